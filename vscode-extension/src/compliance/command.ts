// "ProGet: Show Compliance Report": a fresh metadata lookup for one version, shown as a read-only Markdown
// document under the `proget-compliance:` scheme (its URI names the server's host, feed and package only).

import * as vscode from 'vscode';
import { packageIdText, serverOf, type TreeNode, type VersionNode } from '../tree/model.js';
import type { ComplianceLookup } from './lookup.js';
import { complianceReport } from './report.js';

export const REPORT_SCHEME = 'proget-compliance';
export const SHOW_COMPLIANCE_REPORT = 'proget.showComplianceReport';

/** The report documents' text, by URI; VS Code reads it through this provider, so the editor is read-only. */
export class ComplianceReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.texts.get(uri.toString()) ??
      'This report is no longer available: run ProGet: Show Compliance Report again.'
    );
  }

  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const known = this.texts.has(key);
    this.texts.set(key, text);
    if (known) this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

export interface ReportDeps {
  lookup: ComplianceLookup;
  reports: ComplianceReports;
  /** The row's data changed: redraw it. */
  redraw(node: VersionNode): void;
}

export function reportUri(node: VersionNode): vscode.Uri {
  const server = serverOf(node)!;
  let host = server.url;
  try {
    host = new URL(server.url).host;
  } catch {
    // keep the text
  }
  const id = packageIdText(node.parent);
  return vscode.Uri.from({
    scheme: REPORT_SCHEME,
    authority: host,
    path: `/${encodeURIComponent(node.parent.parent.feed.name)}/${id.split('/').map(encodeURIComponent).join('/')}@${encodeURIComponent(node.version)}.md`,
  });
}

export async function showComplianceReport(
  deps: ReportDeps,
  node?: TreeNode,
): Promise<vscode.TextDocument | undefined> {
  if (!node || node.type !== 'version') {
    void vscode.window.showInformationMessage(
      'Choose a version in the ProGet Feeds view, then Show Compliance Report.',
    );
    return undefined;
  }
  const server = serverOf(node);
  if (!server) throw new Error('This version no longer belongs to a configured server.');
  const data = await vscode.window.withProgress(
    {
      location: { viewId: 'proget.feeds' },
      title: `Compliance of ${packageIdText(node.parent)} ${node.version}`,
    },
    () => deps.lookup.lookupNow(node),
  );
  if (!data) return undefined;
  deps.redraw(node);
  const uri = reportUri(node);
  deps.reports.set(
    uri,
    complianceReport(data, {
      serverName: server.name,
      serverUrl: server.url,
      feed: node.parent.parent.feed.name,
      packageId: packageIdText(node.parent),
      version: node.version,
    }),
  );
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}
