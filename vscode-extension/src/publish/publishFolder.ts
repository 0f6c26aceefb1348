// Explorer › folder › "Publish to ProGet…": server, feed, package id and version (suggested from the
// folder), then core's buildPackage into a temp folder and core's upload, with progress and cancel. The temp
// folder is removed whatever happens, and a cancelled upload stores nothing on the server (ProGet keeps
// no partial upload); the published version is then revealed in the tree.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  buildPackage,
  errorSummary,
  type Feed,
  type UpackManifest,
  validateGroup,
  validatePackageName,
  validateVersion,
} from '@proget-ci/core';
import * as vscode from 'vscode';
import { formatBytes } from '../format.js';
import type { Servers } from '../servers.js';
import type { FeedNode, PackageNode, ServerRef, TreeNode, VersionNode } from '../tree/model.js';
import type { FeedsTreeProvider } from '../tree/provider.js';
import { inputStep, pickStep } from '../ui/steps.js';
import { suggestFromFolder } from './suggest.js';

export const TITLE = 'Publish to ProGet';
const STEPS = 4;

export interface PublishDeps {
  servers: Pick<Servers, 'list' | 'client'>;
  tree: Pick<
    FeedsTreeProvider,
    'feedsOf' | 'roots' | 'getChildren' | 'refresh' | 'allPackages' | 'showPackage'
  >;
  view: Pick<vscode.TreeView<TreeNode>, 'reveal'>;
  log: { info(m: string): void; warn(m: string): void };
}

export interface PublishResult {
  server: ServerRef;
  feed: string;
  manifest: UpackManifest;
  revealed?: VersionNode | PackageNode;
}

function idProblem(id: string): string | undefined {
  if (!id) return 'Enter the package name, with its group in front if it has one (group/name)';
  const at = id.lastIndexOf('/');
  const group = at < 0 ? '' : id.slice(0, at);
  return (
    (group ? validateGroup(group, 'the group') : undefined) ??
    validatePackageName(id.slice(at + 1), 'the name')
  );
}

async function pickFeed(deps: PublishDeps, server: ServerRef, title: string): Promise<Feed | undefined> {
  const feeds = (await deps.tree.feedsOf(server)).filter((f) => f.feedType === 'universal' && f.active);
  if (feeds.length === 0) {
    void vscode.window.showWarningMessage(`${server.name} has no active universal feed this key can see.`);
    return undefined;
  }
  const picked = await pickStep(
    feeds.map((f) => ({ label: f.name, description: f.description, feed: f })),
    { title, step: 2, totalSteps: STEPS, placeholder: `Universal feed on ${server.name}` },
  );
  return picked?.feed;
}

export async function publishFolder(
  deps: PublishDeps,
  folder?: vscode.Uri,
): Promise<PublishResult | undefined> {
  let dir = folder?.fsPath;
  if (!dir) {
    const chosen = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Publish to ProGet',
    });
    dir = chosen?.[0]?.fsPath;
    if (!dir) return undefined;
  }
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    void vscode.window.showErrorMessage(`${dir} is not a folder: Publish to ProGet packs a folder.`);
    return undefined;
  }
  const suggestion = await suggestFromFolder(dir);
  const title = `${TITLE}: ${basename(dir)}`;

  const servers = deps.servers.list();
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('Add a ProGet server first: there is nowhere to publish to.');
    return undefined;
  }
  const server =
    servers.length === 1
      ? servers[0]!
      : (
          await pickStep(
            servers.map((s) => ({ label: s.name, description: s.url, server: s })),
            { title, step: 1, totalSteps: STEPS, placeholder: 'Server' },
          )
        )?.server;
  if (!server) return undefined;
  const feed = await pickFeed(deps, server, title);
  if (!feed) return undefined;
  const id = await inputStep({
    title,
    step: 3,
    totalSteps: STEPS,
    prompt: `Package (group/name) — suggested from ${suggestion.source === 'folder' ? 'the folder name' : `its ${suggestion.source}`}`,
    value: suggestion.group ? `${suggestion.group}/${suggestion.name}` : suggestion.name,
    validate: idProblem,
  });
  if (id === undefined) return undefined;
  const version = await inputStep({
    title,
    step: 4,
    totalSteps: STEPS,
    prompt: 'Version (semantic version, e.g. 1.2.0)',
    value: suggestion.version,
    validate: (v) => validateVersion(v, 'the version'),
  });
  if (version === undefined) return undefined;

  const at = id.lastIndexOf('/');
  const manifest: UpackManifest = {
    ...suggestion.manifest,
    group: at < 0 ? undefined : id.slice(0, at),
    name: id.slice(at + 1),
    version,
    createdUsing: 'proget-ci-vscode',
    createdDate: new Date().toISOString(),
  };
  if (!manifest.group) delete manifest.group;
  const label = `${id} ${version}`;
  const client = await deps.servers.client(server);

  // A version that exists is refused here, before anything is built (ProGet would refuse it or, with the
  // Overwrite privilege, replace it silently).
  const existing = await client.universal.getVersion(feed.name, {
    group: manifest.group,
    name: manifest.name,
    version,
  });
  if (existing) {
    void vscode.window.showErrorMessage(
      `${label} is already in ${feed.name} on ${server.name}. Publish another version (versions are not replaced from here).`,
    );
    return undefined;
  }

  const temp = await mkdtemp(join(tmpdir(), 'proget-publish-'));
  try {
    const published = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Publishing ${label} to ${feed.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          let reported = 0;
          const step = (share: number, fraction: number, message: string) => {
            const target = Math.min(100, share * fraction);
            progress.report({ message, increment: Math.max(0, target - reported) });
            reported = Math.max(reported, target);
          };
          const built = await buildPackage({
            sourceDir: dir!,
            manifest,
            outFile: join(temp, `${manifest.name}-${version}.upack`),
            // The folder's own upack.json is the manifest, not content; VCS folders are never content.
            exclude: ['.git', '.svn', '.hg', ...(suggestion.source === 'upack.json' ? ['upack.json'] : [])],
            signal: controller.signal,
            onProgress: (p) =>
              step(
                40,
                p.total ? p.transferred / p.total : 0,
                `building: ${p.filesDone}/${p.fileCount} files`,
              ),
          });
          deps.log.info(
            `Built ${label}: ${built.fileCount} files, ${formatBytes(built.size)}, sha256 ${built.sha256}`,
          );
          for (const w of built.manifestWarnings) deps.log.warn(`${label}: ${w}`);
          await client.universal.upload(feed.name, built.path, {
            signal: controller.signal,
            knownHashes: { size: built.size, sha1: built.sha1, sha256: built.sha256 },
            onProgress: (p) =>
              step(
                100,
                0.4 + 0.6 * (p.total ? p.transferred / p.total : 0),
                `uploading ${formatBytes(p.transferred)} of ${formatBytes(built.size)}`,
              ),
          });
          return built;
        } catch (error) {
          if (controller.signal.aborted) return undefined;
          throw error;
        } finally {
          sub.dispose();
        }
      },
    );
    if (!published) {
      deps.log.info(`Publishing ${label} was cancelled; nothing was published`);
      void vscode.window.showInformationMessage(`Publishing ${label} was cancelled; nothing was published.`);
      return undefined;
    }
    deps.log.info(`Published ${label} to ${feed.name} on ${server.url}`);
    const revealed = await reveal(deps, server, feed.name, manifest).catch((error: unknown) => {
      deps.log.warn(`Could not reveal ${label} in the tree: ${errorSummary(error)}`);
      return undefined;
    });
    void vscode.window.showInformationMessage(
      `Published ${label} to ${feed.name} on ${server.name} (${formatBytes(published.size)}).`,
    );
    return { server, feed: feed.name, manifest, revealed };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Reloads the feed and reveals the new version (or its package, if the version is not listed yet). */
async function reveal(
  deps: PublishDeps,
  server: ServerRef,
  feedName: string,
  manifest: UpackManifest,
): Promise<VersionNode | PackageNode | undefined> {
  const serverNode = deps.tree.roots().find((s) => s.server.url === server.url);
  if (!serverNode) return undefined;
  const feedNode = (await deps.tree.getChildren(serverNode)).find(
    (n): n is FeedNode => n.type === 'feed' && n.feed.name === feedName,
  );
  if (!feedNode) return undefined;
  deps.tree.refresh(feedNode);
  await deps.tree.getChildren(feedNode);
  const pkg = (await deps.tree.allPackages(feedNode)).find(
    (p) => p.name === manifest.name && p.group === (manifest.group ?? ''),
  );
  if (!pkg) return undefined;
  deps.tree.showPackage(pkg);
  deps.tree.refresh(pkg);
  const version = (await deps.tree.getChildren(pkg)).find(
    (n): n is VersionNode => n.type === 'version' && n.version === manifest.version,
  );
  const target = version ?? pkg;
  await deps.view.reveal(target, { select: true, focus: true, expand: false });
  return target;
}
