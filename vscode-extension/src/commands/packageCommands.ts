// Commands on feeds, packages, versions and files: copy, open, download, promote, delete, filter.

import { homedir } from 'node:os';
import * as path from 'node:path';
import { errorSummary, isProGetError, ProGetError } from '@proget-ci/core';
import * as vscode from 'vscode';
import { formatBytes } from '../format.js';
import { installSnippets } from '../install.js';
import { deleteError, isPrivilegeRefusal, SHOW_LOG } from '../refusals.js';
import type { Servers } from '../servers.js';
import { promoteCheckSnippet, publishSnippet } from '../snippets.js';
import { MANIFEST_PATH } from '../tree/files.js';
import { fileUri } from '../tree/items.js';
import {
  type FeedNode,
  type FileNode,
  feedOf,
  type PackageNode,
  packageIdText,
  serverOf,
  type TreeNode,
  type VersionNode,
} from '../tree/model.js';
import type { FeedsTreeProvider } from '../tree/provider.js';
import { inputStep, pickStep } from '../ui/steps.js';
import { feedPageUrl, packagePageUrl, universalDownloadUrl, versionPageUrl } from '../urls.js';

export interface PackageCommandDeps {
  servers: Servers;
  tree: FeedsTreeProvider;
  view: vscode.TreeView<TreeNode>;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
}

function idOf(node: PackageNode | VersionNode) {
  const pkg = node.type === 'package' ? node : node.parent;
  return { group: pkg.group, name: pkg.name };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Picks a node of a type among those the tree has shown, for commands run from the palette. */
async function pickKnown<T extends 'feed' | 'version'>(
  deps: PackageCommandDeps,
  type: T,
  title: string,
  steps?: { step: number; totalSteps: number },
): Promise<Extract<TreeNode, { type: T }> | undefined> {
  const nodes: TreeNode[] = deps.tree.knownNodes(type);
  if (nodes.length === 0) {
    void vscode.window.showInformationMessage(
      type === 'feed'
        ? 'Open the ProGet Feeds view and expand a server first.'
        : "Expand a package in the ProGet Feeds view first, or use the version's context menu.",
    );
    return undefined;
  }
  const items = nodes.map((n) => {
    if (n.type === 'feed') {
      return { label: n.feed.name, description: `${n.feed.feedType} · ${n.parent.server.name}`, node: n };
    }
    const v = n as VersionNode;
    return {
      label: `${packageIdText(v.parent)} ${v.version}`,
      description: `${v.parent.parent.feed.name} · ${v.parent.parent.parent.server.name}`,
      node: n,
    };
  });
  const picked = steps
    ? await pickStep(items, { title, ...steps })
    : await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return picked?.node as Extract<TreeNode, { type: T }> | undefined;
}

export async function filterPackages(deps: PackageCommandDeps, node?: TreeNode): Promise<void> {
  const feed = (node && feedOf(node)) ?? (await pickKnown(deps, 'feed', 'Filter Packages — choose a feed'));
  if (!feed) return;
  const value = await vscode.window.showInputBox({
    title: `Filter packages in ${feed.feed.name}`,
    prompt: 'Part of a package name, group or title (* matches anything); empty clears the filter',
    value: deps.tree.filterOf(feed) ?? '',
  });
  if (value === undefined) return;
  deps.tree.setFilter(feed, value);
  await deps.view
    .reveal(feed, { expand: true, focus: false, select: false })
    .then(undefined, () => undefined);
}

export function clearFilter(deps: PackageCommandDeps, node?: TreeNode): void {
  const feed = node && feedOf(node);
  if (feed) deps.tree.setFilter(feed, undefined);
}

export async function copyPackageId(node: PackageNode | VersionNode): Promise<void> {
  const id = packageIdText(idOf(node));
  const text = node.type === 'version' ? `${id}@${node.version}` : id;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`$(clippy) Copied ${text}`, 3000);
}

export async function copyDownloadUrl(node: VersionNode): Promise<void> {
  const server = serverOf(node)!;
  const url = universalDownloadUrl(server.url, node.parent.parent.feed.name, {
    ...idOf(node),
    version: node.version,
  });
  await vscode.env.clipboard.writeText(url);
  vscode.window.setStatusBarMessage('$(clippy) Copied the download URL', 3000);
}

export async function copySnippet(
  kind: 'publish' | 'promote-check',
  node: PackageNode | VersionNode,
  deps: PackageCommandDeps,
): Promise<void> {
  const server = serverOf(node)!;
  const feed = feedOf(node)!.feed;
  const target = {
    server: server.url,
    feed: feed.name,
    ...idOf(node),
    version: node.type === 'version' ? node.version : (node.latestVersion ?? undefined),
  };
  let text: string;
  if (kind === 'publish') {
    text = publishSnippet(target);
  } else {
    const feeds = await deps.tree.feedsOf(server).catch(() => []);
    const toFeed = feeds.find((f) => f.name !== feed.name && f.feedType === feed.feedType && f.active)?.name;
    text = promoteCheckSnippet({ ...target, toFeed });
  }
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(
    `Copied a workflow step for ${kind === 'publish' ? 'publishing' : 'checking the promotion of'} ${packageIdText(target)}. Store the key as the PROGET_API_KEY repository secret.`,
  );
}

/** Copy Install Snippet: one of the ways to use the package from its feed's type, picked. */
export async function copyInstallSnippet(node: PackageNode | VersionNode): Promise<void> {
  const server = serverOf(node)!;
  const feed = feedOf(node)!.feed;
  const version = node.type === 'version' ? node.version : (node.latestVersion ?? undefined);
  const snippets = installSnippets({ server: server.url, feed, ...idOf(node), version });
  if (snippets.length === 0) {
    void vscode.window.showInformationMessage(`No install snippet is known for ${feed.feedType} feeds.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    snippets.map((s) => ({ label: s.label, detail: s.text, snippet: s })),
    {
      title: `Copy Install Snippet — ${packageIdText(idOf(node))}${version ? ` ${version}` : ''}`,
      placeHolder: 'Snippet to copy',
    },
  );
  if (!picked) return;
  await vscode.env.clipboard.writeText(picked.snippet.text);
  vscode.window.setStatusBarMessage(`$(clippy) Copied the ${picked.snippet.label}`, 3000);
}

export async function openInProGet(node?: TreeNode): Promise<void> {
  if (!node) return;
  const server = serverOf(node);
  if (!server) return;
  let url: string;
  const feed = feedOf(node);
  if (node.type === 'version') {
    url = versionPageUrl(server.url, feed!.feed.name, { ...idOf(node), version: node.version });
  } else if (node.type === 'package') {
    url = packagePageUrl(server.url, feed!.feed.name, idOf(node));
  } else if (feed) {
    url = feedPageUrl(server.url, feed.feed.name);
  } else {
    url = server.url;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url));
}

export async function openFile(node: FileNode): Promise<void> {
  const uri = fileUri(node);
  if (!uri) return;
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
}

export async function openManifest(node: VersionNode): Promise<void> {
  await openFile({ type: 'file', parent: node, path: MANIFEST_PATH, name: MANIFEST_PATH });
}

export async function downloadPackage(deps: PackageCommandDeps, node: VersionNode): Promise<void> {
  const server = serverOf(node)!;
  const feed = node.parent.parent.feed.name;
  const id = { ...idOf(node), version: node.version };
  const defaultName = `${id.name}-${id.version}.upack`;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const target = await vscode.window.showSaveDialog({
    title: `Download ${packageIdText(id)} ${id.version}`,
    defaultUri: vscode.Uri.joinPath(base, defaultName),
    filters: { 'Universal package': ['upack'], 'All files': ['*'] },
    saveLabel: 'Download',
  });
  if (!target) return;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage('Packages can only be downloaded to a local folder.');
    return;
  }
  const client = await deps.servers.client(server);
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Downloading ${packageIdText(id)} ${id.version}`,
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      try {
        const result = await client.universal.download(
          feed,
          { ...id, group: id.group || undefined },
          target.fsPath,
          {
            signal: controller.signal,
            // Shown in the notification and the log; core hashes only what is asked for.
            hashes: ['sha256'],
            onProgress: ({ transferred, total }) => {
              if (total) {
                const pct = (transferred / total) * 100;
                progress.report({
                  increment: pct - reported,
                  message: `${formatBytes(transferred)} of ${formatBytes(total)}`,
                });
                reported = pct;
              } else {
                progress.report({ message: formatBytes(transferred) });
              }
            },
          },
        );
        deps.log.info(
          `Downloaded ${packageIdText(id)} ${id.version} to ${result.path} (${result.size} bytes, sha256 ${result.sha256})`,
        );
        void vscode.window.showInformationMessage(
          `Downloaded ${path.basename(result.path)} (${formatBytes(result.size)}, SHA-256 ${result.sha256?.slice(0, 12)}…).`,
        );
      } catch (error) {
        if (token.isCancellationRequested || isProGetError(error, 'aborted')) {
          void vscode.window.showInformationMessage('Download cancelled; nothing was saved.');
          return;
        }
        deps.log.error(`Download of ${packageIdText(id)} ${id.version} failed: ${errorText(error)}`);
        void vscode.window.showErrorMessage(`Download failed: ${errorSummary(error)}`);
      } finally {
        sub.dispose();
      }
    },
  );
}

export async function promoteVersion(deps: PackageCommandDeps, node?: TreeNode): Promise<void> {
  const version =
    node?.type === 'version'
      ? node
      : await pickKnown(deps, 'version', 'Promote Version', { step: 1, totalSteps: 3 });
  if (!version) return;
  const server = serverOf(version)!;
  const from = version.parent.parent.feed;
  let feeds: FeedNode['feed'][];
  try {
    feeds = await deps.tree.feedsOf(server);
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not list feeds of ${server.name}: ${errorSummary(error)}`);
    return;
  }
  // ProGet serves nothing from an inactive feed, so it is no promotion target.
  const targets = feeds.filter((f) => f.name !== from.name && f.feedType === from.feedType && f.active);
  if (targets.length === 0) {
    void vscode.window.showInformationMessage(
      `${server.name} has no other active ${from.feedType} feed to promote to.`,
    );
    return;
  }
  const pkg = packageIdText(version.parent);
  // From the palette the version was step 1; the same title and counter run through every step.
  const first = node?.type === 'version' ? 1 : 2;
  const steps = { title: `Promote ${pkg} ${version.version} from ${from.name}`, totalSteps: first + 1 };
  const picked = await pickStep(
    targets
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => ({
        label: f.name,
        description: f.feedType,
        detail: f.description,
        feed: f,
      })),
    { ...steps, step: first, placeholder: 'Target feed' },
  );
  if (!picked) return;
  const comments = await inputStep({
    ...steps,
    step: first + 1,
    prompt: `Comments for the promotion record to ${picked.feed.name} (optional)`,
    placeholder: 'e.g. Passed QA on staging',
  });
  if (comments === undefined) return;
  const confirm = await vscode.window.showWarningMessage(
    `Promote ${pkg} ${version.version} from ${from.name} to ${picked.feed.name}?`,
    { modal: true, detail: comments ? `Comments: ${comments}` : 'No comments.' },
    'Promote',
  );
  if (confirm !== 'Promote') return;
  const client = await deps.servers.client(server);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Promoting ${pkg} ${version.version}…` },
      () =>
        client.promotions.promote({
          fromFeed: from.name,
          toFeed: picked.feed.name,
          group: version.parent.group || undefined,
          name: version.parent.name,
          version: version.version,
          comments: comments || undefined,
        }),
    );
  } catch (error) {
    deps.log.error(`Promotion of ${pkg} ${version.version} failed: ${errorText(error)}`);
    await showRefusal(promotionError(error));
    return;
  }
  deps.log.info(`Promoted ${pkg} ${version.version} from ${from.name} to ${picked.feed.name}`);
  void vscode.window.showInformationMessage(`Promoted ${pkg} ${version.version} to ${picked.feed.name}.`);
  const targetNode = deps.tree
    .knownNodes('feed')
    .find((f) => f.feed.name === picked.feed.name && f.parent.server.url === server.url);
  deps.tree.refresh(targetNode ?? version.parent.parent.parent);
}

/** An error notification with a "Show Log" button that opens the ProGet output channel. */
async function showRefusal(text: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(text, SHOW_LOG);
  if (choice === SHOW_LOG) await vscode.commands.executeCommand('proget.showLog');
}

export function promotionError(error: unknown): string {
  if (error instanceof ProGetError) {
    switch (error.kind) {
      case 'edition-required':
        return 'Promotion failed: promoting through the API needs ProGet Basic or Enterprise; this server runs the Free edition. Promote in the ProGet web UI instead, or upgrade.';
      case 'forbidden':
      case 'unauthorized':
        return 'Promotion failed: the API key needs the "Promote Packages" privilege (Feeds_AcceptPackagePromotions) on the target feed.';
      case 'conflict':
        return `Promotion failed: the target feed already has this version. ${error.hint ?? ''}`.trim();
      default:
        return `Promotion failed: ${error.summary}${error.hint ? ` — ${error.hint}` : ''}`;
    }
  }
  return `Promotion failed: ${errorText(error)}`;
}

export async function deleteVersion(deps: PackageCommandDeps, node: VersionNode): Promise<void> {
  const server = serverOf(node)!;
  const feed = node.parent.parent.feed;
  const pkg = packageIdText(node.parent);
  const confirm = await vscode.window.showWarningMessage(
    `Delete ${pkg} ${node.version} from ${feed.name}?`,
    {
      modal: true,
      detail: `This removes the version from ${server.name} for everyone. It cannot be undone.`,
    },
    'Delete',
  );
  if (confirm !== 'Delete') return;
  const client = await deps.servers.client(server);
  const id = { group: node.parent.group || undefined, name: node.parent.name, version: node.version };
  try {
    if (feed.feedType === 'universal') await client.universal.delete(feed.name, id);
    else await client.packages.delete(feed.name, id);
  } catch (error) {
    deps.log.error(`Delete of ${pkg} ${node.version} failed: ${errorText(error)}`);
    // The key may not delete here: stop offering Delete in this feed until the key changes.
    if (isPrivilegeRefusal(error)) deps.tree.deleteRefused(node);
    await showRefusal(deleteError(error, `${pkg} ${node.version} from ${feed.name}`));
    return;
  }
  deps.log.info(`Deleted ${pkg} ${node.version} from ${feed.name}`);
  void vscode.window.showInformationMessage(`Deleted ${pkg} ${node.version} from ${feed.name}.`);
  // Off the tree and the palette at once; the package's versions and the feed reload.
  deps.tree.removed(node);
  deps.tree.refresh(node.parent.parent);
}
