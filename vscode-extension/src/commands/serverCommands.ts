// Add Server, Set API Key and Remove Server. URLs are checked against the server's health endpoint and
// keys with a call that really fails on a bad key; then core's doctor() tests the connection, and its
// verdict is said before anything is saved.

import type { ProGetClientApi } from '@proget-ci/core';
import { errorSummary, isProGetError } from '@proget-ci/core';
import * as vscode from 'vscode';
import { verdict } from '../check/reportHtml.js';
import { confirmSave, SHOW_REPORT, showReport, testConnection } from '../check/serverCheck.js';
import { displayName, normalizeServerUrl, type Servers } from '../servers.js';
import type { ServerRef, TreeNode } from '../tree/model.js';
import { serverOf } from '../tree/model.js';

export type KeyCheck = { ok: true; feeds: number } | { ok: false; problem: string; canSaveAnyway: boolean };

/**
 * ProGet answers the feed list with `[]` for a rejected key, so a non-empty list alone proves nothing;
 * `feeds.get` of one feed fails on a bad key, and the Packages API probe covers keys that may view feeds
 * but not manage them.
 */
export async function checkApiKey(client: ProGetClientApi, signal?: AbortSignal): Promise<KeyCheck> {
  let feeds: { name: string }[];
  try {
    feeds = await client.feeds.list({ signal });
  } catch (error) {
    return { ok: false, problem: keyProblem(error), canSaveAnyway: !isAuthError(error) };
  }
  const first = feeds[0];
  if (!first) {
    return {
      ok: false,
      problem:
        'The server lists no feeds for this key: ProGet does that when a key is rejected. Check the key, or press Enter again to save it anyway.',
      canSaveAnyway: true,
    };
  }
  try {
    await client.feeds.get(first.name, { signal });
    return { ok: true, feeds: feeds.length };
  } catch (error) {
    if (!isAuthError(error)) return { ok: false, problem: keyProblem(error), canSaveAnyway: true };
  }
  try {
    await client.feeds.probe(first.name, { signal });
    return { ok: true, feeds: feeds.length };
  } catch (error) {
    return { ok: false, problem: keyProblem(error), canSaveAnyway: !isAuthError(error) };
  }
}

function isAuthError(error: unknown): boolean {
  return isProGetError(error, 'unauthorized') || isProGetError(error, 'forbidden');
}

function keyProblem(error: unknown): string {
  if (isProGetError(error, 'unauthorized')) return 'ProGet rejected this API key.';
  if (isProGetError(error, 'forbidden'))
    return 'This API key may not view feeds (it lacks the View privilege).';
  return `Could not check the key: ${errorSummary(error)}`;
}

export interface ServerCommandDeps {
  servers: Servers;
  log: { info(m: string): void; warn(m: string): void };
}

export async function addServer(deps: ServerCommandDeps): Promise<ServerRef | undefined> {
  const found = await askServerUrl(deps);
  if (!found) return undefined;
  const { url, note, forced } = found;
  const name = await askName(url, { step: 2, totalSteps: 3 });
  if (name === undefined) return undefined;
  const key = await askApiKey(deps, url, 'Add ProGet Server', { step: 3, totalSteps: 3 });
  if (key === undefined) return undefined;
  // Test connection: the verdict is said before anything is saved; a failed one is saved only if chosen.
  const report = await testConnection(deps, url, key || undefined);
  if (!(await confirmSave(report, name || url, { expectFailure: forced }))) {
    deps.log.info(`Add Server: ${url} not saved`);
    return undefined;
  }
  // The suggested host is what the tree shows anyway: only a name of one's own goes into the setting.
  await deps.servers.add(url, key || undefined, name === displayName({ url }) ? undefined : name);
  void vscode.window
    .showInformationMessage(
      `Added ProGet server ${name || url}${note ? ` ${note}` : ''}${key ? '' : ' (anonymous access)'}. Test connection: ${verdict(report!)}.`,
      SHOW_REPORT,
    )
    .then((choice) => {
      if (choice === SHOW_REPORT) showReport(report!, name || url);
    });
  return deps.servers.find(url);
}

/** What a URL check found: ProGet answered, or why not. */
type Probe = { ok: true; version: string } | { ok: false; reason: string };

/**
 * Whether `url` answers its health endpoint as ProGet does: a health report (or ProGet's plain "OK"), not
 * a web page or a server error that core turned into an "unhealthy" result.
 */
async function probe(deps: ServerCommandDeps, url: string, signal: AbortSignal): Promise<Probe> {
  try {
    const h = await deps.servers.makeClient(url, undefined).health.instance({ signal });
    const looksLikeProGet =
      h.healthy ||
      h.applicationName !== undefined ||
      h.versionNumber !== undefined ||
      h.releaseNumber !== undefined ||
      h.databaseStatus !== undefined;
    if (!looksLikeProGet) return { ok: false, reason: h.serviceStatusDetail ?? 'not a ProGet health report' };
    const version = `${h.applicationName ?? 'ProGet'} ${h.versionNumber ?? h.releaseNumber ?? ''}`.trim();
    deps.log.info(`Checked ${url}: ${version} (${h.healthy ? 'healthy' : 'unhealthy'})`);
    return { ok: true, version };
  } catch (error) {
    const reason = errorSummary(error);
    // https to a plain-http port fails deep in OpenSSL ("wrong version number"): say what that means.
    if (url.startsWith('https:') && /SSL|TLS|EPROTO|wrong version number/i.test(reason))
      return { ok: false, reason: 'no TLS on that port' };
    return { ok: false, reason };
  }
}

/**
 * An input box that stays open, busy, while the URL is checked, and says what is wrong if it fails. A URL
 * without a scheme (`host:8624`, as ProGet's default install is written) is tried with https, then http;
 * the one that answers as ProGet is used, and the result says which. A scheme-less URL that neither
 * answers is never saved; a URL with a scheme that failed is saved only on a second Enter, after a message
 * that says it did not answer.
 */
function askServerUrl(
  deps: ServerCommandDeps,
): Promise<{ url: string; note?: string; forced?: boolean } | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = 'Add ProGet Server';
    box.step = 1;
    box.totalSteps = 3;
    box.prompt = 'Base URL of the ProGet server (without a scheme, https and then http are tried)';
    box.placeholder = 'https://proget.example.com or proget-host:8624';
    box.ignoreFocusOut = true;
    let done = false;
    let checking: AbortController | undefined;
    let lastFailed: string | undefined;
    const finish = (value: { url: string; note?: string; forced?: boolean } | undefined) => {
      if (done) return;
      done = true;
      checking?.abort();
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue((value) => {
      const normal = normalizeServerUrl(value);
      box.validationMessage = value.trim() && 'problem' in normal ? normal.problem : undefined;
    });
    box.onDidAccept(async () => {
      const normal = normalizeServerUrl(box.value);
      if ('problem' in normal) {
        box.validationMessage = normal.problem;
        return;
      }
      const candidates = normal.schemeGiven
        ? [normal.url]
        : [normal.url, normal.url.replace(/^https:/, 'http:')];
      const existing = candidates.find((c) => deps.servers.list().some((s) => s.url === c));
      if (existing) {
        box.validationMessage = `${existing} is already configured; use "ProGet: Set API Key" to change its key.`;
        return;
      }
      // Enter again on a URL with a scheme that failed the check, after being told: add it anyway.
      if (normal.schemeGiven && lastFailed === normal.url) {
        deps.log.warn(`Adding ${normal.url} although it did not answer as ProGet`);
        return finish({ url: normal.url, note: '(it did not answer as ProGet when added)', forced: true });
      }
      box.busy = true;
      box.enabled = false;
      checking = new AbortController();
      const failures: { url: string; reason: string }[] = [];
      try {
        for (const url of candidates) {
          const result = await probe(deps, url, checking.signal);
          if (done) return;
          if (result.ok) {
            const scheme = (u: string) => u.slice(0, u.indexOf(':'));
            const note = normal.schemeGiven
              ? undefined
              : `over ${scheme(url)}: it answered as ${result.version}${failures
                  .map((f) => `; ${scheme(f.url)} did not (${f.reason})`)
                  .join('')}`;
            if (note) deps.log.info(`No scheme given: ${note}`);
            return finish({ url, note });
          }
          failures.push({ url, reason: result.reason });
        }
        deps.log.warn(
          `Add Server: ${failures.map((f) => `${f.url} did not answer: ${f.reason}`).join('; ')}`,
        );
        if (normal.schemeGiven) {
          lastFailed = normal.url;
          box.validationMessage = {
            message: `${normal.url} did not answer as ProGet: ${failures[0]!.reason}. Press Enter again to add it anyway (it will show as unreachable until it answers).`,
            severity: vscode.InputBoxValidationSeverity.Warning,
          };
        } else {
          box.validationMessage = {
            message: `Neither ${candidates.join(' nor ')} answered as ProGet (${failures
              .map((f) => `${f.url.slice(0, f.url.indexOf(':'))}: ${f.reason}`)
              .join('; ')}). Check the host and port, or type the URL with its scheme to add it anyway.`,
            severity: vscode.InputBoxValidationSeverity.Error,
          };
        }
      } finally {
        if (!done) {
          box.busy = false;
          box.enabled = true;
        }
      }
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/**
 * A password box; resolves the key, '' for anonymous, or undefined when dismissed. The key is checked
 * before it is returned; a key the check could not confirm is accepted on a second Enter.
 */
export function askApiKey(
  deps: ServerCommandDeps,
  url: string,
  title: string,
  steps?: { step: number; totalSteps: number },
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
    if (steps) {
      box.step = steps.step;
      box.totalSteps = steps.totalSteps;
    }
    box.prompt = `API key for ${url} — leave empty for anonymous access`;
    box.placeholder = 'API key (stored in VS Code secret storage)';
    box.password = true;
    box.ignoreFocusOut = true;
    let done = false;
    let checking: AbortController | undefined;
    let confirmAnyway: string | undefined;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      checking?.abort();
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue(() => {
      box.validationMessage = undefined;
      confirmAnyway = undefined;
    });
    box.onDidAccept(async () => {
      const key = box.value.trim();
      if (!key) return finish('');
      if (confirmAnyway !== undefined && confirmAnyway === key) return finish(key);
      box.busy = true;
      box.enabled = false;
      checking = new AbortController();
      try {
        const result = await checkApiKey(deps.servers.makeClient(url, key), checking.signal);
        if (done) return;
        if (result.ok) {
          deps.log.info(`API key for ${url} accepted (${result.feeds} feeds visible)`);
          return finish(key);
        }
        deps.log.warn(`API key for ${url} not confirmed: ${result.problem}`);
        box.validationMessage = {
          message: result.problem,
          severity: result.canSaveAnyway
            ? vscode.InputBoxValidationSeverity.Warning
            : vscode.InputBoxValidationSeverity.Error,
        };
        confirmAnyway = result.canSaveAnyway ? key : undefined;
      } finally {
        if (!done) {
          box.busy = false;
          box.enabled = true;
        }
      }
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

export async function pickServer(deps: ServerCommandDeps, title: string): Promise<ServerRef | undefined> {
  const servers = deps.servers.list();
  if (servers.length === 0) {
    const add = await vscode.window.showInformationMessage('No ProGet server is configured.', 'Add Server');
    if (add) await vscode.commands.executeCommand('proget.addServer');
    return undefined;
  }
  if (servers.length === 1) return servers[0];
  const picked = await vscode.window.showQuickPick(
    servers.map((s) => ({ label: s.name, description: s.url, server: s })),
    { title, placeHolder: 'Server' },
  );
  return picked?.server;
}

export async function setApiKey(deps: ServerCommandDeps, node?: TreeNode): Promise<void> {
  const server = (node && serverOf(node)) ?? (await pickServer(deps, 'Set API Key'));
  if (!server) return;
  const key = await askApiKey(deps, server.url, `Set API Key — ${server.name}`);
  if (key === undefined) return;
  const report = await testConnection(deps, server.url, key || undefined);
  if (!(await confirmSave(report, server.name))) {
    deps.log.info(`Set API Key: the key for ${server.url} was not changed`);
    return;
  }
  await deps.servers.setKey(server.url, key || undefined);
  void vscode.window
    .showInformationMessage(
      `${key ? `API key for ${server.name} saved in secret storage.` : `${server.name} now uses anonymous access.`} Test connection: ${verdict(report!)}.`,
      SHOW_REPORT,
    )
    .then((choice) => {
      if (choice === SHOW_REPORT) showReport(report!, server.name);
    });
}

/** The display name step: the host is suggested; empty shows the host. Undefined when dismissed. */
function askName(
  url: string,
  steps?: { step: number; totalSteps: number },
  current?: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = steps ? 'Add ProGet Server' : `Rename ${current ?? url}`;
    if (steps) {
      box.step = steps.step;
      box.totalSteps = steps.totalSteps;
    }
    box.prompt = `Display name for ${url} in the Feeds view (empty: the host name)`;
    box.value = current ?? displayName({ url });
    box.ignoreFocusOut = true;
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidAccept(() => finish(box.value.trim()));
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

export async function renameServer(deps: ServerCommandDeps, node?: TreeNode): Promise<void> {
  const server = (node && serverOf(node)) ?? (await pickServer(deps, 'Rename Server'));
  if (!server) return;
  const name = await askName(server.url, undefined, server.name);
  if (name === undefined || name === server.name) return;
  await deps.servers.rename(server.url, name);
}

export async function removeServer(deps: ServerCommandDeps, node?: TreeNode): Promise<void> {
  const server = (node && serverOf(node)) ?? (await pickServer(deps, 'Remove Server'));
  if (!server) return;
  const answer = await vscode.window.showWarningMessage(
    `Remove ProGet server ${server.name}?`,
    {
      modal: true,
      detail: `${server.url} and its stored API key will be removed from VS Code. Nothing changes on the server.`,
    },
    'Remove',
  );
  if (answer !== 'Remove') return;
  await deps.servers.remove(server.url);
}
