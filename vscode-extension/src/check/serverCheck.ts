// "ProGet: Check Server" and the "Test connection" of Add Server / Set API Key: core's doctor() for a
// server and its key, shown as a read-only page, summed up in one line.

import { type DoctorReport, doctor } from '@proget-ci/core';
import * as vscode from 'vscode';
import type { Servers } from '../servers.js';
import type { ServerRef, TreeNode } from '../tree/model.js';
import { serverOf } from '../tree/model.js';
import { reportHtml, verdict } from './reportHtml.js';

export const SHOW_REPORT = 'Show Report';
export const SAVE_ANYWAY = 'Save Anyway';

export interface CheckDeps {
  servers: Servers;
  log: { info(m: string): void; warn(m: string): void };
}

/** Runs doctor() with a cancellable progress notification; undefined when cancelled. */
export async function testConnection(
  deps: CheckDeps,
  url: string,
  apiKey: string | undefined,
  what = 'Testing connection',
): Promise<DoctorReport | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${what} to ${url}…`, cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const report = await doctor({
          url,
          apiKey: apiKey || undefined,
          timeoutMs: deps.servers.timeoutMs(),
          signal: controller.signal,
        }).catch((error: unknown) => {
          if (controller.signal.aborted) return undefined;
          throw error;
        });
        if (!report || controller.signal.aborted) {
          deps.log.info(`Test connection to ${url} cancelled`);
          return undefined;
        }
        deps.log.info(`Test connection to ${url}: ${verdict(report)}`);
        return report;
      } finally {
        sub.dispose();
      }
    },
  );
}

const reports = new Map<string, vscode.WebviewPanel>();

/** The report page of a server: one per server URL, brought forward and refreshed when checked again. */
export function showReport(report: DoctorReport, name: string): vscode.WebviewPanel {
  let panel = reports.get(report.server);
  if (panel) {
    panel.title = `Check Server: ${name}`;
    panel.reveal();
  } else {
    panel = vscode.window.createWebviewPanel(
      'proget.serverReport',
      `Check Server: ${name}`,
      vscode.ViewColumn.Active,
      { enableScripts: false, enableCommandUris: false, localResourceRoots: [] },
    );
    const opened = panel;
    reports.set(report.server, opened);
    opened.onDidDispose(() => {
      if (reports.get(report.server) === opened) reports.delete(report.server);
    });
  }
  panel.webview.html = reportHtml(report, name, new Date());
  return panel;
}

/**
 * Whether to save after a test: a clean report, yes (the caller says the verdict); a failed one only when
 * the person chooses to, after reading the verdict (and the report if they like). `expectFailure` is for a
 * URL already added "anyway" after it failed its check: it is not asked about again.
 */
export async function confirmSave(
  report: DoctorReport | undefined,
  name: string,
  options: { expectFailure?: boolean } = {},
): Promise<boolean> {
  if (!report) return false;
  if (report.ok || options.expectFailure) return true;
  // Bounded: reading the report and coming back is a few rounds at most.
  for (let round = 0; round < 5; round++) {
    // The message names the problem; the detail says what was found and what to do, once each.
    const fails = report.findings.filter((f) => f.status === 'fail');
    const more = fails.length > 1 ? ` (and ${fails.length - 1} more)` : '';
    const choice = await vscode.window.showWarningMessage(
      `Test connection to ${name} found a problem: ${fails[0]?.title ?? verdict(report)}${more}. Save anyway?`,
      {
        modal: true,
        detail: fails
          .map((f) => `• ${f.title}${f.detail ? `: ${f.detail}` : ''}${f.hint ? `\n  ${f.hint}` : ''}`)
          .join('\n'),
      },
      SAVE_ANYWAY,
      SHOW_REPORT,
    );
    if (choice === SAVE_ANYWAY) return true;
    if (choice !== SHOW_REPORT) return false;
    showReport(report, name);
  }
  return false;
}

/** ProGet: Check Server — for the server of a tree node, or one picked. */
export async function checkServer(
  deps: CheckDeps,
  node: TreeNode | undefined,
  pick: () => Promise<ServerRef | undefined>,
): Promise<DoctorReport | undefined> {
  const server = (node && serverOf(node)) ?? (await pick());
  if (!server) return undefined;
  const key = await deps.servers.apiKey(server.url);
  const report = await testConnection(deps, server.url, key, 'Checking');
  if (!report) return undefined;
  showReport(report, server.name);
  return report;
}
