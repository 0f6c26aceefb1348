// ProGet: Open Package Page — a read-only webview of one package version. Opened from the tree (a package
// opens its latest version) or from a dependency link on another page (plain JSON arguments, checked here:
// the server must be one that is configured). One panel per version; opening it again reloads it.

import { versionPageUrl } from '@proget-ci/core';
import * as vscode from 'vscode';
import type { Servers } from '../servers.js';
import { type PackageNode, serverOf, type VersionNode } from '../tree/model.js';
import { label, loadPage, PageNotFoundError, type PageTarget } from './data.js';
import { OPEN_PAGE_COMMAND, packagePageHtml } from './html.js';

export interface PageDeps {
  servers: Pick<Servers, 'find' | 'client'>;
  log: { info(m: string): void; warn(m: string): void };
}

const panels = new Map<string, vscode.WebviewPanel>();

export function targetOf(arg: unknown): PageTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const node = arg as PackageNode | VersionNode;
  if (node.type === 'package' || node.type === 'version') {
    const pkg = node.type === 'package' ? node : node.parent;
    const server = serverOf(pkg);
    if (!server || pkg.parent.feed.feedType !== 'universal') return undefined;
    return {
      server: server.url,
      feed: pkg.parent.feed.name,
      group: pkg.group,
      name: pkg.name,
      version: node.type === 'version' ? node.version : undefined,
    };
  }
  const t = arg as Partial<PageTarget>;
  const str = (v: unknown) => typeof v === 'string';
  if (!str(t.server) || !str(t.feed) || !str(t.name) || !t.name) return undefined;
  if (t.group !== undefined && !str(t.group)) return undefined;
  if (t.version !== undefined && !str(t.version)) return undefined;
  return { server: t.server!, feed: t.feed!, group: t.group ?? '', name: t.name, version: t.version };
}

export async function openPackagePage(
  deps: PageDeps,
  arg: unknown,
): Promise<vscode.WebviewPanel | undefined> {
  const target = targetOf(arg);
  if (!target) {
    void vscode.window.showInformationMessage(
      'Open Package Page works on a package or version of a universal feed.',
    );
    return undefined;
  }
  const server = deps.servers.find(target.server);
  if (!server) {
    void vscode.window.showWarningMessage(`${target.server} is not a configured ProGet server.`);
    return undefined;
  }
  const client = await deps.servers.client(server);
  let data: Awaited<ReturnType<typeof loadPage>>;
  try {
    data = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Loading ${label(target)}…` },
      () => loadPage(client, target),
    );
  } catch (error) {
    if (error instanceof PageNotFoundError) {
      void vscode.window.showWarningMessage(error.message);
      return undefined;
    }
    throw error;
  }
  const key = JSON.stringify([server.url, target.feed, target.group, target.name, data.target.version]);
  const title = `${target.name} ${data.target.version}`;
  let panel = panels.get(key);
  if (panel) {
    panel.reveal();
  } else {
    panel = vscode.window.createWebviewPanel('proget.packagePage', title, vscode.ViewColumn.Active, {
      enableScripts: false,
      // Dependency links open their own page; no other command can run from here.
      enableCommandUris: [OPEN_PAGE_COMMAND],
      localResourceRoots: [],
    });
    panels.set(key, panel);
    const opened = panel;
    panel.onDidDispose(() => {
      if (panels.get(key) === opened) panels.delete(key);
    });
  }
  panel.webview.html = packagePageHtml(data, {
    proget: versionPageUrl(server.url, target.feed, {
      group: target.group || undefined,
      name: target.name,
      version: data.target.version,
    }),
  });
  deps.log.info(`Opened the page of ${label(target)} ${data.target.version} in ${target.feed}`);
  return panel;
}
