// Add Server, Set API Key and Remove Server. URLs are checked against the server's health endpoint and
// keys with a call that really fails on a bad key, before anything is saved.

import type { ProGetClientApi } from '@proget-ci/core';
import { errorSummary, isProGetError } from '@proget-ci/core';
import * as vscode from 'vscode';
import { normalizeServerUrl, type Servers } from '../servers.js';
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
  const url = await askServerUrl(deps);
  if (!url) return undefined;
  const key = await askApiKey(deps, url, 'Add Server (2/2)');
  if (key === undefined) return undefined;
  await deps.servers.add(url, key || undefined);
  void vscode.window.showInformationMessage(`Added ProGet server ${url}${key ? '' : ' (anonymous access)'}.`);
  return deps.servers.find(url);
}

/** An input box that stays open, busy, while the URL is checked, and says what is wrong if it fails. */
function askServerUrl(deps: ServerCommandDeps): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = 'Add ProGet Server (1/2)';
    box.prompt = 'Base URL of the ProGet server';
    box.placeholder = 'https://proget.example.com';
    box.ignoreFocusOut = true;
    let done = false;
    let checking: AbortController | undefined;
    let lastFailed: string | undefined;
    const finish = (value: string | undefined) => {
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
      if (deps.servers.list().some((s) => s.url === normal.url)) {
        box.validationMessage = `${normal.url} is already configured; use "ProGet: Set API Key" to change its key.`;
        return;
      }
      // Enter again on a URL that failed the check: the user wants it anyway (server down for now).
      if (lastFailed === normal.url) return finish(normal.url);
      box.busy = true;
      box.enabled = false;
      checking = new AbortController();
      try {
        const health = await deps.servers
          .makeClient(normal.url, undefined)
          .health.instance({ signal: checking.signal });
        deps.log.info(
          `Checked ${normal.url}: ${health.applicationName ?? 'ProGet'} ${health.versionNumber ?? health.releaseNumber ?? ''} (${health.healthy ? 'healthy' : 'unhealthy'})`,
        );
        finish(normal.url);
      } catch (error) {
        if (done) return;
        lastFailed = normal.url;
        box.validationMessage = {
          message: `${normal.url} did not answer like ProGet: ${errorSummary(error)}. Press Enter again to add it anyway.`,
          severity: vscode.InputBoxValidationSeverity.Warning,
        };
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
export function askApiKey(deps: ServerCommandDeps, url: string, title: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
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
  await deps.servers.setKey(server.url, key || undefined);
  void vscode.window.showInformationMessage(
    key ? `API key for ${server.name} saved in secret storage.` : `${server.name} now uses anonymous access.`,
  );
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
