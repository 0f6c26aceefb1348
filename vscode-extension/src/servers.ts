// Servers and their keys: URLs live in the `proget.servers` setting, API keys only in SecretStorage keyed
// by server URL. One core client per server, rebuilt when its key or the timeout changes.

import {
  checkServerUrl,
  ProGetClient,
  type ProGetClientApi,
  type ProGetClientOptions,
} from '@proget-ci/core';
import * as vscode from 'vscode';
import type { ServerRef } from './tree/model.js';

export interface ServerSetting {
  name?: string;
  url: string;
}

export type ClientFactory = (options: ProGetClientOptions) => ProGetClientApi;

/**
 * The extension's clients. Package bytes go through node:http as well (`nodeHttpTransfers`): VS Code's
 * proxy support (http.proxy, the system proxy) works by patching node:http in the extension host, and
 * core's own socket reader would go around it.
 */
export const createClient: ClientFactory = (options) =>
  new ProGetClient({ ...options, nodeHttpTransfers: true });

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const SECRET_PREFIX = 'proget.apiKey:';
export const USER_AGENT = 'proget-ci-vscode/0.1.0';

/**
 * Core's server-URL rule (`checkServerUrl`), worded for the Add Server prompt. A value without a scheme
 * (`host:8624`) gets https here; Add Server tries https and then http before saving one (see
 * `serverCommands.ts`). Returns the URL without a trailing slash, or what is wrong.
 */
export function normalizeServerUrl(
  value: string,
): { url: string; schemeGiven: boolean } | { problem: string } {
  const check = checkServerUrl(value, { assumeScheme: 'https' });
  if (check.ok) return { url: check.url, schemeGiven: check.schemeGiven };
  switch (check.problem) {
    case 'empty':
      return { problem: 'Enter the base URL of the ProGet server, e.g. https://proget.example.com' };
    case 'credentials':
      return {
        problem: 'Leave credentials out of the URL: the API key is asked for next and kept in secret storage',
      };
    case 'query-or-fragment':
      return { problem: 'Leave out the query string and fragment' };
    case 'scheme':
      return { problem: 'Use an http:// or https:// URL' };
    default:
      return { problem: 'Not a valid URL (e.g. https://proget.example.com or proget-host:8624)' };
  }
}

export function displayName(setting: ServerSetting): string {
  if (setting.name?.trim()) return setting.name.trim();
  try {
    return new URL(setting.url).host;
  } catch {
    return setting.url;
  }
}

export class Servers implements vscode.Disposable {
  private readonly keys = new Map<string, string | null>();
  private readonly clients = new Map<string, { client: ProGetClientApi; signature: string }>();
  private readonly changed = new vscode.EventEmitter<{ url?: string }>();
  /** Fired when the server list, a key or the timeout changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly createClient: ClientFactory,
    private readonly log: Logger,
  ) {
    this.subscriptions.push(
      secrets.onDidChange((e) => {
        if (!e.key.startsWith(SECRET_PREFIX)) return;
        const url = e.key.slice(SECRET_PREFIX.length);
        this.keys.delete(url);
        this.clients.delete(url);
        void this.loadKey(url).then(() => this.changed.fire({ url }));
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('proget.servers') ||
          e.affectsConfiguration('proget.requestTimeoutSeconds')
        ) {
          if (e.affectsConfiguration('proget.requestTimeoutSeconds')) this.clients.clear();
          void this.loadKeys().then(() => this.changed.fire({}));
        }
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  /** Configured servers, normalized, without duplicates or invalid entries. */
  list(): ServerRef[] {
    const raw = vscode.workspace.getConfiguration('proget').get<unknown[]>('servers') ?? [];
    const seen = new Set<string>();
    const out: ServerRef[] = [];
    for (const item of raw) {
      const setting = toSetting(item);
      if (!setting) continue;
      const normal = normalizeServerUrl(setting.url);
      if (!('url' in normal) || seen.has(normal.url)) continue;
      seen.add(normal.url);
      out.push({ url: normal.url, name: displayName({ ...setting, url: normal.url }) });
    }
    return out;
  }

  find(url: string): ServerRef | undefined {
    const normal = normalizeServerUrl(url);
    return 'url' in normal ? this.list().find((s) => s.url === normal.url) : undefined;
  }

  /** Reads every configured server's key once, so the tree can say "anonymous" synchronously. */
  async loadKeys(): Promise<void> {
    await Promise.all(this.list().map((s) => this.loadKey(s.url)));
  }

  private async loadKey(url: string): Promise<string | undefined> {
    if (this.keys.has(url)) return this.keys.get(url) ?? undefined;
    const key = await this.secrets.get(SECRET_PREFIX + url);
    this.keys.set(url, key ?? null);
    return key;
  }

  /** The stored key of a server, for core calls that take one directly (doctor); never logged. */
  async apiKey(url: string): Promise<string | undefined> {
    return this.loadKey(url);
  }

  auth(server: ServerRef): 'key' | 'anonymous' | undefined {
    if (!this.keys.has(server.url)) return undefined;
    return this.keys.get(server.url) ? 'key' : 'anonymous';
  }

  async client(server: ServerRef | string): Promise<ProGetClientApi> {
    const url = typeof server === 'string' ? server : server.url;
    const apiKey = await this.loadKey(url);
    const timeoutMs = this.timeoutMs();
    // The signature holds no key: only whether one is set and its length, to notice a change.
    const signature = `${timeoutMs}:${apiKey ? `k${apiKey.length}:${hashish(apiKey)}` : 'anon'}`;
    const cached = this.clients.get(url);
    if (cached && cached.signature === signature) return cached.client;
    const client = this.makeClient(url, apiKey, timeoutMs);
    this.clients.set(url, { client, signature });
    return client;
  }

  /** A client for a server not saved yet (Add Server checks the URL and key before saving them). */
  makeClient(url: string, apiKey: string | undefined, timeoutMs = this.timeoutMs()): ProGetClientApi {
    return this.createClient({
      url,
      apiKey: apiKey || undefined,
      timeoutMs,
      // Downloads and file views: the same limit, as idle time between bytes rather than a total.
      transferTimeoutMs: Math.max(timeoutMs, 30_000),
      userAgent: USER_AGENT,
      logger: { debug: (m) => this.log.debug(m), warn: (m) => this.log.warn(m) },
    });
  }

  async add(url: string, apiKey: string | undefined, name?: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('proget');
    const current = (config.inspect<unknown[]>('servers')?.globalValue ?? []).filter(
      (s) => toSetting(s)?.url.replace(/\/+$/, '') !== url,
    );
    await this.setKey(url, apiKey);
    const entry = name?.trim() ? { name: name.trim(), url } : { url };
    await config.update('servers', [...current, entry], vscode.ConfigurationTarget.Global);
    this.log.info(`Added server ${url} (${apiKey ? 'with an API key' : 'anonymous'})`);
  }

  /** Sets (or, empty, clears) a server's display name where it is configured. */
  async rename(url: string, name: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('proget');
    const inspect = config.inspect<unknown[]>('servers');
    const renamed = (list: unknown[] | undefined) =>
      list?.map((s) => {
        const setting = toSetting(s);
        const normal = setting && normalizeServerUrl(setting.url);
        if (!setting || !normal || !('url' in normal) || normal.url !== url) return s;
        return name.trim() ? { name: name.trim(), url: setting.url } : { url: setting.url };
      });
    if (inspect?.globalValue)
      await config.update('servers', renamed(inspect.globalValue), vscode.ConfigurationTarget.Global);
    if (inspect?.workspaceValue) {
      await config.update('servers', renamed(inspect.workspaceValue), vscode.ConfigurationTarget.Workspace);
    }
    this.log.info(`Renamed server ${url} to "${name.trim() || displayName({ url })}"`);
  }

  async remove(url: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('proget');
    const inspect = config.inspect<unknown[]>('servers');
    const keep = (list: unknown[] | undefined) =>
      list?.filter((s) => {
        const setting = toSetting(s);
        if (!setting) return true;
        const normal = normalizeServerUrl(setting.url);
        return !('url' in normal) || normal.url !== url;
      });
    if (inspect?.globalValue)
      await config.update('servers', keep(inspect.globalValue), vscode.ConfigurationTarget.Global);
    if (inspect?.workspaceValue) {
      await config.update('servers', keep(inspect.workspaceValue), vscode.ConfigurationTarget.Workspace);
    }
    await this.secrets.delete(SECRET_PREFIX + url);
    this.keys.delete(url);
    this.clients.delete(url);
    this.log.info(`Removed server ${url} and its stored API key`);
  }

  /** Stores the key (or, for undefined/empty, removes it: anonymous access). */
  async setKey(url: string, apiKey: string | undefined): Promise<void> {
    if (apiKey) await this.secrets.store(SECRET_PREFIX + url, apiKey);
    else await this.secrets.delete(SECRET_PREFIX + url);
    this.keys.set(url, apiKey || null);
    this.clients.delete(url);
    this.log.info(`${apiKey ? 'Stored an API key' : 'Using anonymous access'} for ${url}`);
  }

  /** The per-request timeout setting, in milliseconds. */
  timeoutMs(): number {
    const seconds = vscode.workspace.getConfiguration('proget').get<number>('requestTimeoutSeconds') ?? 30;
    return Math.max(1, seconds) * 1000;
  }
}

function toSetting(item: unknown): ServerSetting | undefined {
  if (typeof item === 'string') return { url: item };
  if (item && typeof item === 'object' && typeof (item as ServerSetting).url === 'string') {
    const s = item as ServerSetting;
    return { url: s.url, name: typeof s.name === 'string' ? s.name : undefined };
  }
  return undefined;
}

/** A short non-reversible fingerprint, so a changed key gets a new client without keeping the key twice. */
function hashish(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}
