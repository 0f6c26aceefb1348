// How each kind of node looks: label, description, icon, Markdown tooltip, context value, click command.

import type { PackageCompliance } from '@proget-ci/core';
import * as vscode from 'vscode';
import { decorateVersionItem } from '../compliance/item.js';
import { escapeMarkdown, formatBytes, formatCount, formatDate, formatDay, shortReason } from '../format.js';
import { fileUriParts } from '../fs/uri.js';
import { untrustedMarkdown } from '../markdown.js';
import {
  contextValue,
  type FeedNode,
  type FileNode,
  type FolderNode,
  feedOf,
  type LoadMoreNode,
  type MessageNode,
  nodeId,
  type PackageNode,
  packageIdText,
  type ServerNode,
  serverOf,
  type TreeNode,
  type VersionNode,
  versionOf,
} from './model.js';

export interface ItemState {
  /** The last refresh of this node's children failed; older children are shown. */
  stale: boolean;
  filter?: string;
  /** Whether a promotion target (another active feed of the same type) exists on the server. */
  promotable: boolean;
  /** 'key' when an API key is stored for the server, 'anonymous' when none, undefined before it is known. */
  auth?: 'key' | 'anonymous';
  /** False where a delete was refused for lack of a privilege (until the key changes). */
  deletable?: boolean;
  /** A version's compliance and vulnerabilities, once looked up (compliance/lookup.ts). */
  compliance?: PackageCompliance;
}

export const COMMANDS = {
  loadMore: 'proget.loadMore',
  openFile: 'proget.openFile',
  refreshNode: 'proget.refreshNode',
  setApiKey: 'proget.setApiKey',
  openInProGet: 'proget.openInProGet',
  addServer: 'proget.addServer',
  clearFilter: 'proget.clearFilter',
} as const;

const FEED_ICONS: Record<string, string> = {
  universal: 'package',
  nuget: 'symbol-class',
  chocolatey: 'desktop-download',
  npm: 'symbol-namespace',
  maven: 'symbol-field',
  powershell: 'terminal-powershell',
  docker: 'vm',
  rubygems: 'ruby',
  vsix: 'extensions',
  asset: 'file-media',
  pypi: 'symbol-method',
  helm: 'compass',
  rpm: 'terminal-linux',
  debian: 'terminal-debian',
  conda: 'beaker',
  cran: 'graph',
  cargo: 'symbol-struct',
  pub: 'symbol-event',
  composer: 'symbol-interface',
  terraform: 'cloud',
  alpine: 'terminal-linux',
  bower: 'symbol-color',
  conan: 'symbol-constant',
};

export function feedIconId(feedType: string): string {
  return FEED_ICONS[feedType.toLowerCase()] ?? 'database';
}

export function toTreeItem(node: TreeNode, state: ItemState): vscode.TreeItem {
  switch (node.type) {
    case 'server':
      return serverItem(node, state);
    case 'feed':
      return feedItem(node, state);
    case 'package':
      return packageItem(node, state);
    case 'version':
      return versionItem(node, state);
    case 'folder':
      return folderItem(node);
    case 'file':
      return fileItem(node);
    case 'loadMore':
      return loadMoreItem(node);
    case 'message':
      return messageItem(node);
  }
}

// Descriptions do not render codicons: staleness is said in words there, and shown by the icon.
const STALE = 'cached — refresh failed';
const STALE_ICON = () => new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));

function serverItem(node: ServerNode, state: ItemState): vscode.TreeItem {
  const item = new vscode.TreeItem(node.server.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = nodeId(node);
  const host = safeHost(node.server.url);
  item.description = [
    host !== node.server.name ? host : undefined,
    state.auth === 'anonymous' ? 'anonymous' : undefined,
    state.stale ? 'refresh failed — showing cached feeds' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = state.stale
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : new vscode.ThemeIcon('server');
  item.contextValue = contextValue('server', [state.auth, state.stale && 'stale']);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(node.server.name)}**\n\n`);
  md.appendMarkdown(`${escapeMarkdown(node.server.url)}\n\n`);
  md.appendMarkdown(
    state.auth === 'key'
      ? '$(key) API key stored in secret storage'
      : state.auth === 'anonymous'
        ? '$(person) Anonymous access'
        : '',
  );
  if (state.stale)
    md.appendMarkdown('\n\n$(warning) The last refresh failed; the feeds shown are from before.');
  item.tooltip = md;
  return item;
}

function feedItem(node: FeedNode, state: ItemState): vscode.TreeItem {
  const feed = node.feed;
  const item = new vscode.TreeItem(feed.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = nodeId(node);
  item.description = [
    feed.feedType,
    feed.active ? undefined : 'inactive',
    state.filter ? `filter: "${state.filter}"` : undefined,
    state.stale ? STALE : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = state.stale
    ? STALE_ICON()
    : new vscode.ThemeIcon(
        feedIconId(feed.feedType),
        feed.active ? undefined : new vscode.ThemeColor('disabledForeground'),
      );
  item.contextValue = contextValue('feed', [
    feed.feedType.toLowerCase(),
    feed.active ? 'active' : 'inactive',
    state.filter ? 'filtered' : undefined,
  ]);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(feed.name)}** — ${escapeMarkdown(feed.feedType)} feed`);
  if (!feed.active) md.appendMarkdown(' $(circle-slash) _inactive_');
  if (feed.description) md.appendMarkdown(`\n\n${escapeMarkdown(feed.description)}`);
  if (feed.connectors.length)
    md.appendMarkdown(`\n\nConnectors: ${feed.connectors.map(escapeMarkdown).join(', ')}`);
  if (state.filter) md.appendMarkdown(`\n\n$(filter) Filtered by "${escapeMarkdown(state.filter)}"`);
  if (state.stale) md.appendMarkdown(STALE_TOOLTIP);
  item.tooltip = md;
  return item;
}

function packageItem(node: PackageNode, state: ItemState): vscode.TreeItem {
  // The name is the label and the group follows the version in the description: a narrow sidebar cuts the
  // end of a row, so a long group path is what gets cut, never the name. The tooltip has the whole id.
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = nodeId(node);
  item.description = [node.latestVersion, node.group || undefined, state.stale ? STALE : undefined]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = state.stale ? STALE_ICON() : new vscode.ThemeIcon('package');
  const universal = node.parent.feed.feedType === 'universal';
  item.contextValue = contextValue('package', [
    universal ? 'universal' : node.parent.feed.feedType.toLowerCase(),
  ]);
  const u = node.universal;
  const md = untrustedTooltip();
  md.appendMarkdown(`**${escapeMarkdown(u?.title || node.name)}**\n\n`);
  md.appendMarkdown(`\`${packageIdText(node).replace(/`/g, "'")}\``);
  if (u?.description) md.appendMarkdown(`\n\n${untrustedMarkdown(u.description)}`);
  const downloads = u?.downloads ?? node.info?.totalDownloads;
  const facts = [
    node.latestVersion ? `Latest: ${escapeMarkdown(node.latestVersion)}` : undefined,
    u ? `${formatCount(u.versions.length)} version${u.versions.length === 1 ? '' : 's'}` : undefined,
    downloads !== undefined ? `${formatCount(downloads)} downloads` : undefined,
  ].filter(Boolean);
  if (facts.length) md.appendMarkdown(`\n\n${facts.join(' · ')}`);
  if (state.stale) md.appendMarkdown(STALE_TOOLTIP);
  item.tooltip = md;
  return item;
}

export function versionTooltip(node: VersionNode): vscode.MarkdownString {
  const md = untrustedTooltip();
  const u = node.universal;
  const info = node.info;
  md.appendMarkdown(`**${escapeMarkdown(packageIdText(node.parent))} ${escapeMarkdown(node.version)}**`);
  if (node.prerelease) md.appendMarkdown(' — _prerelease_');
  if (u?.title && u.title !== node.parent.name) md.appendMarkdown(`\n\n${escapeMarkdown(u.title)}`);
  if (u?.description) md.appendMarkdown(`\n\n${untrustedMarkdown(u.description)}`);
  // Values we format ourselves go in as they are; text from the server is escaped.
  const rows: [string, string][] = [];
  const published = formatDate(node.published ?? info?.published);
  if (published) rows.push(['Published', published]);
  if (info?.publishedBy) rows.push(['By', escapeMarkdown(info.publishedBy)]);
  const downloads = u?.downloads ?? info?.downloads;
  if (downloads !== undefined) rows.push(['Downloads', formatCount(downloads)]);
  if (info?.size !== undefined)
    rows.push(['Size', `${formatBytes(info.size)} (${formatCount(info.size)} bytes)`]);
  if (info?.sha1) rows.push(['SHA-1', code(info.sha1)]);
  if (info?.sha256) rows.push(['SHA-256', code(info.sha256)]);
  if (info?.sha512) rows.push(['SHA-512', code(info.sha512)]);
  if (u?.dependencies.length) rows.push(['Depends on', u.dependencies.map(escapeMarkdown).join(', ')]);
  if (info?.deprecated) rows.push(['Deprecated', escapeMarkdown(info.deprecationReason ?? 'yes')]);
  if (info && !info.listed) rows.push(['Listed', 'no']);
  if (rows.length) {
    // A Markdown table needs a header row: the first fact is it, so no empty row shows above the rest.
    const line = ([k, v]: [string, string]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`;
    md.appendMarkdown(`\n\n${line(rows[0]!)}\n|---|---|\n`);
    md.appendMarkdown(rows.slice(1).map(line).join('\n'));
  }
  return md;
}

function versionItem(node: VersionNode, state: ItemState): vscode.TreeItem {
  const universal = node.parent.parent.feed.feedType === 'universal';
  const item = new vscode.TreeItem(
    node.version,
    universal ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = nodeId(node);
  item.description = [
    formatDay(node.published ?? node.info?.published),
    node.prerelease ? 'prerelease' : undefined,
    state.stale ? STALE : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = state.stale ? STALE_ICON() : new vscode.ThemeIcon(node.prerelease ? 'beaker' : 'tag');
  item.contextValue = contextValue('version', [
    universal ? 'universal' : node.parent.parent.feed.feedType.toLowerCase(),
    node.prerelease ? 'prerelease' : 'stable',
    state.promotable && 'promotable',
    universal && 'downloadable',
    state.deletable !== false && 'deletable',
  ]);
  decorateVersionItem(item, state.compliance, state.stale);
  // The tooltip is filled in by resolveTreeItem, which can fetch size and hashes first.
  return item;
}

function folderItem(node: FolderNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = nodeId(node);
  item.iconPath = vscode.ThemeIcon.Folder;
  item.resourceUri = resourceUri(node);
  item.contextValue = contextValue('folder', []);
  item.tooltip = node.path;
  return item;
}

function fileItem(node: FileNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  item.iconPath = vscode.ThemeIcon.File;
  item.resourceUri = resourceUri(node);
  item.description = node.entry
    ? formatBytes(node.entry.size)
    : node.path === 'upack.json'
      ? 'manifest'
      : undefined;
  item.contextValue = contextValue('file', [node.path === 'upack.json' ? 'manifest' : undefined]);
  item.tooltip = [
    node.path,
    node.entry ? formatBytes(node.entry.size) : undefined,
    formatDate(node.entry?.date),
  ]
    .filter(Boolean)
    .join(' · ');
  item.command = { command: COMMANDS.openFile, title: 'Open File', arguments: [node] };
  return item;
}

function loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    node.total === undefined
      ? `Load more (${formatCount(node.shown)} shown)`
      : `Load more (${formatCount(node.shown)} of ${formatCount(node.total)})`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = nodeId(node);
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = contextValue('loadMore', []);
  item.command = { command: COMMANDS.loadMore, title: 'Load More', arguments: [node] };
  return item;
}

const SEVERITY_ICON = {
  error: ['error', 'list.errorForeground'],
  warning: ['warning', 'list.warningForeground'],
  info: ['info', 'foreground'],
} as const;

function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  const [icon, color] = SEVERITY_ICON[node.severity];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  // A narrow sidebar cuts the row; the reason stays whole in the tooltip.
  item.description = node.description && shortReason(node.description);
  item.tooltip =
    node.detail ??
    (node.description && node.description !== item.description
      ? `${node.label}: ${node.description}`
      : undefined);
  item.contextValue = contextValue('message', [node.severity, node.action?.kind]);
  const target = node.parent;
  switch (node.action?.kind) {
    case 'retry':
      item.command = { command: COMMANDS.refreshNode, title: 'Retry', arguments: [target] };
      break;
    case 'setApiKey':
      item.command = { command: COMMANDS.setApiKey, title: 'Set API Key…', arguments: [target] };
      break;
    case 'openInProGet':
      item.command = { command: COMMANDS.openInProGet, title: 'Open in ProGet', arguments: [target] };
      break;
    case 'addServer':
      item.command = { command: COMMANDS.addServer, title: 'Add Server' };
      break;
    case 'clearFilter':
      item.command = { command: COMMANDS.clearFilter, title: 'Clear Filter', arguments: [target] };
      break;
  }
  return item;
}

/** Gives files their icon from the theme (by extension) and a `proget:` URI without secrets. */
function resourceUri(node: FileNode | FolderNode): vscode.Uri | undefined {
  const server = serverOf(node);
  const feed = feedOf(node);
  const version = versionOf(node);
  if (!server || !feed || !version) return undefined;
  return vscode.Uri.from(
    fileUriParts({
      server: server.url,
      feed: feed.feed.name,
      group: version.parent.group,
      name: version.parent.name,
      version: version.version,
      path: node.path,
    }),
  );
}

export function fileUri(node: FileNode): vscode.Uri | undefined {
  return resourceUri(node);
}

const STALE_TOOLTIP = '\n\n$(warning) The last refresh failed; what is shown below is from before.';

/** Tooltips that show server text: no command links run, no HTML renders. */
function untrustedTooltip(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

/** Inline code for hashes: they are hex, so no backtick can end it early. */
function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return url;
  }
}
