// Entry point: wires the servers store, the Feeds tree, the `proget:` file system, the health status bar
// and the commands together. Everything that talks to ProGet goes through @proget-ci/core.

import { errorSummary } from '@proget-ci/core';
import * as vscode from 'vscode';
import { checkServer } from './check/serverCheck.js';
import {
  clearFilter,
  copyDownloadUrl,
  copyInstallSnippet,
  copyPackageId,
  copySnippet,
  deleteVersion,
  downloadPackage,
  filterPackages,
  openFile,
  openInProGet,
  openManifest,
  type PackageCommandDeps,
  promoteVersion,
} from './commands/packageCommands.js';
import { addServer, pickServer, removeServer, renameServer, setApiKey } from './commands/serverCommands.js';
import {
  ComplianceReports,
  REPORT_SCHEME,
  SHOW_COMPLIANCE_REPORT,
  showComplianceReport,
} from './compliance/command.js';
import { ProGetFileSystemProvider } from './fs/provider.js';
import { SCHEME } from './fs/uri.js';
import { HealthStatusBar, SHOW_HEALTH_COMMAND } from './health/statusBar.js';
import { openPackagePage } from './page/packagePage.js';
import { publishFolder } from './publish/publishFolder.js';
import { SHOW_LOG } from './refusals.js';
import { searchPackages } from './search/search.js';
import { createClient, Servers } from './servers.js';
import {
  type FileNode,
  type LoadMoreNode,
  type PackageNode,
  serverOf,
  type TreeNode,
  type VersionNode,
} from './tree/model.js';
import { FeedsTreeProvider } from './tree/provider.js';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('ProGet', { log: true });
  context.subscriptions.push(log);

  const servers = new Servers(context.secrets, createClient, log);
  context.subscriptions.push(servers);
  await servers.loadKeys();

  const tree = new FeedsTreeProvider({
    servers: () => servers.list(),
    client: (server) => servers.client(server),
    auth: (server) => servers.auth(server),
    pageSize: () => Math.max(1, vscode.workspace.getConfiguration('proget').get<number>('pageSize') ?? 100),
    log,
  });
  const view = vscode.window.createTreeView('proget.feeds', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  context.subscriptions.push(tree, view);

  const health = new HealthStatusBar(servers, log);
  context.subscriptions.push(health);

  const fs = new ProGetFileSystemProvider({
    clientFor: async (url) => (servers.find(url) ? servers.client(url) : undefined),
    known: (ref) => tree.fileFact(ref),
    failed: (ref, message, error) => {
      log.error(`${message} (${error instanceof Error ? error.message : String(error)})`);
      // Unreachable or erroring: the status bar should say so now, not at the next poll.
      if (servers.find(ref.server)) health.sync(ref.server);
      void vscode.window.showErrorMessage(message, SHOW_LOG).then((choice) => {
        if (choice === SHOW_LOG) log.show();
      });
    },
  });
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(SCHEME, fs, { isReadonly: true, isCaseSensitive: true }),
  );

  const updateContext = () =>
    vscode.commands.executeCommand('setContext', 'proget.hasServers', servers.list().length > 0);
  await updateContext();

  context.subscriptions.push(
    servers.onDidChange(({ url }) => {
      void updateContext();
      health.sync(url);
      // A changed key reloads that server from scratch (and redraws its auth label); anything else, the list.
      const node = url ? tree.knownNodes('server').find((s) => s.server.url === url) : undefined;
      if (node) tree.reset(node);
      else tree.serversChanged();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('proget.pageSize')) tree.refresh();
    }),
  );

  const deps: PackageCommandDeps = { servers, tree, view, log };
  const serverDeps = { servers, log };
  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log.error(`${id} failed: ${message}`);
          void vscode.window.showErrorMessage(`ProGet: ${errorSummary(error)}`);
        }
      }),
    );

  register('proget.addServer', async () => {
    const server = await addServer(serverDeps);
    if (server) await vscode.commands.executeCommand('proget.feeds.focus');
  });
  register('proget.removeServer', (node?: TreeNode) => removeServer(serverDeps, node));
  register('proget.renameServer', (node?: TreeNode) => renameServer(serverDeps, node));
  register('proget.setApiKey', (node?: TreeNode) => setApiKey(serverDeps, node));
  register('proget.checkServer', (node?: TreeNode) =>
    checkServer(serverDeps, node, () => pickServer(serverDeps, 'Check Server')),
  );
  register('proget.refresh', () => {
    tree.refresh();
    health.checkNow();
  });
  register('proget.refreshNode', (node?: TreeNode) => {
    tree.refresh(node);
    // A retry after an outage: the status bar should not wait for its next poll to notice.
    const server = node && serverOf(node);
    if (server) health.sync(server.url);
  });
  register('proget.openPackagePage', (arg?: unknown) => openPackagePage({ servers, log }, arg));
  register('proget.publishFolder', (folder?: vscode.Uri) =>
    publishFolder({ servers, tree, view, log }, folder),
  );
  register('proget.search', () => searchPackages({ tree, view, log }));
  register('proget.loadMore', (node: LoadMoreNode) => tree.loadMore(node));
  register('proget.filterPackages', (node?: TreeNode) => filterPackages(deps, node));
  register('proget.clearFilter', (node?: TreeNode) => clearFilter(deps, node));
  register('proget.copyPackageId', (node: PackageNode | VersionNode) => copyPackageId(node));
  register('proget.copyDownloadUrl', (node: VersionNode) => copyDownloadUrl(node));
  register('proget.copyInstallSnippet', (node: PackageNode | VersionNode) => copyInstallSnippet(node));
  register('proget.copyPublishSnippet', (node: PackageNode | VersionNode) =>
    copySnippet('publish', node, deps),
  );
  register('proget.copyPromoteCheckSnippet', (node: PackageNode | VersionNode) =>
    copySnippet('promote-check', node, deps),
  );
  register('proget.openInProGet', (node?: TreeNode) => openInProGet(node));
  register('proget.openFile', (node: FileNode) => openFile(node));
  register('proget.openManifest', (node: VersionNode) => openManifest(node));
  register('proget.download', (node: VersionNode) => downloadPackage(deps, node));
  register('proget.promote', (node?: TreeNode) => promoteVersion(deps, node));
  register('proget.deleteVersion', (node: VersionNode) => deleteVersion(deps, node));
  register('proget.checkHealth', () => health.checkNow());
  register(SHOW_HEALTH_COMMAND, () => health.showPicker());
  register('proget.showLog', () => log.show());

  const reports = new ComplianceReports();
  context.subscriptions.push(
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
  );
  register(SHOW_COMPLIANCE_REPORT, (node?: TreeNode) =>
    showComplianceReport({ lookup: tree.compliance, reports, redraw: (n) => tree.refreshRow(n) }, node),
  );

  log.info(`ProGet extension activated with ${servers.list().length} server(s)`);
}

export function deactivate(): void {}
