// The connector-health status-bar item: one poller per server feeding a summary of all of them.

import * as vscode from 'vscode';
import type { Servers } from '../servers.js';
import type { ServerRef } from '../tree/model.js';
import { connectorPageUrl } from '../urls.js';
import { checkServerHealth } from './check.js';
import { Poller, type Scheduler } from './poller.js';
import { connectorPicks, presentHealth, type ServerHealthState } from './summary.js';

export const SHOW_HEALTH_COMMAND = 'proget.showHealth';
const SPINNER_DELAY_MS = 400;

export class HealthStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly states = new Map<string, ServerHealthState>();
  private readonly pollers = new Map<string, Poller>();
  private readonly spinnerTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private focused: boolean;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly servers: Servers,
    private readonly log: { debug(m: string): void; info(m: string): void; warn(m: string): void },
    private readonly scheduler?: Scheduler,
  ) {
    this.item = vscode.window.createStatusBarItem('proget.health', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'ProGet Connector Health';
    this.item.command = SHOW_HEALTH_COMMAND;
    this.focused = vscode.window.state.focused;
    this.subscriptions.push(
      vscode.window.onDidChangeWindowState((e) => {
        this.focused = e.focused;
        for (const p of this.pollers.values()) p.setFocused(e.focused);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('proget.health.pollIntervalSeconds')) {
          for (const p of this.pollers.values()) p.setIntervalMs(this.intervalMs());
        }
      }),
    );
    this.sync();
  }

  dispose(): void {
    for (const p of this.pollers.values()) p.stop();
    for (const t of this.spinnerTimers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  /** Starts pollers for new servers, stops those of removed ones; a changed key checks again at once. */
  sync(changedUrl?: string): void {
    const servers = this.servers.list();
    const urls = new Set(servers.map((s) => s.url));
    for (const [url, poller] of this.pollers) {
      if (!urls.has(url)) {
        poller.stop();
        this.pollers.delete(url);
        this.states.delete(url);
      }
    }
    for (const server of servers) {
      const existing = this.states.get(server.url);
      if (existing) {
        existing.server = server;
        if (changedUrl === undefined || changedUrl === server.url) this.pollers.get(server.url)?.checkNow();
        continue;
      }
      this.states.set(server.url, { server, checking: false });
      const poller = new Poller({
        intervalMs: this.intervalMs(),
        scheduler: this.scheduler,
        check: (signal) => this.check(server, signal),
        onCheckingChange: (checking) => this.setChecking(server.url, checking),
      });
      poller.setFocused(this.focused);
      this.pollers.set(server.url, poller);
      poller.start();
    }
    this.render();
  }

  /**
   * The spinner shows only for checks that take a while: a quick check every minute would otherwise make
   * the item flicker.
   */
  private setChecking(url: string, checking: boolean): void {
    const previous = this.spinnerTimers.get(url);
    if (previous) clearTimeout(previous);
    this.spinnerTimers.delete(url);
    const state = this.states.get(url);
    if (!state) return;
    if (!checking) {
      state.checking = false;
      this.render();
      return;
    }
    this.spinnerTimers.set(
      url,
      setTimeout(() => {
        this.spinnerTimers.delete(url);
        const s = this.states.get(url);
        if (s && this.pollers.get(url)?.checking) {
          s.checking = true;
          this.render();
        }
      }, SPINNER_DELAY_MS),
    );
  }

  checkNow(): void {
    for (const p of this.pollers.values()) p.checkNow();
  }

  private async check(server: ServerRef, signal: AbortSignal): Promise<boolean> {
    const client = await this.servers.client(server);
    const health = await checkServerHealth(client, signal);
    const state = this.states.get(server.url);
    if (state) state.health = health;
    if (health.kind === 'unreachable')
      this.log.warn(`Health check of ${server.url}: unreachable (${health.message})`);
    else if (health.kind === 'error')
      this.log.warn(`Health check of ${server.url}: answered with an error (${health.message})`);
    else if (health.kind === 'connectors') {
      const failing = health.connectors.filter((c) => c.state === 'error').map((c) => c.name);
      this.log.debug(
        `Health check of ${server.url}: ${health.connectors.length} connectors${failing.length ? `, failing: ${failing.join(', ')}` : ''}`,
      );
    } else this.log.debug(`Health check of ${server.url}: ${health.kind}`);
    return health.kind !== 'unreachable' && health.kind !== 'error';
  }

  private render(): void {
    const p = presentHealth([...this.states.values()], Date.now());
    if (!p.visible) {
      this.item.hide();
      return;
    }
    this.item.text = p.text;
    const md = new vscode.MarkdownString(p.tooltip, true);
    md.isTrusted = false;
    this.item.tooltip = md;
    this.item.backgroundColor =
      p.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : p.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: p.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.show();
  }

  /** Click: connectors, failing first; choosing one opens it in ProGet. */
  async showPicker(): Promise<void> {
    const picks = connectorPicks([...this.states.values()]);
    const checkNow = {
      label: '$(refresh) Check now',
      description: 'check every server again',
      alwaysShow: true,
    };
    const chosen = await vscode.window.showQuickPick<
      vscode.QuickPickItem & { pick?: (typeof picks)[number] }
    >(
      [
        checkNow,
        ...picks.map((pick) => ({
          label: pick.label,
          description: pick.description,
          detail: pick.detail,
          pick,
        })),
      ],
      {
        title: 'ProGet connectors',
        placeHolder: 'Choose a connector to open it in ProGet',
        matchOnDescription: true,
      },
    );
    if (!chosen) return;
    if (chosen === checkNow) return this.checkNow();
    const pick = chosen.pick!;
    if (pick.recheck) {
      this.pollers.get(pick.server.url)?.checkNow();
      return;
    }
    const url = pick.connector
      ? connectorPageUrl(pick.server.url, pick.connector)
      : `${pick.server.url}/administration`;
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  private intervalMs(): number {
    const s = vscode.workspace.getConfiguration('proget').get<number>('health.pollIntervalSeconds') ?? 60;
    return Math.max(5, s) * 1000;
  }
}
