// Compliance and vulnerability data for version rows, fetched lazily through core's
// `client.sca.packages.metadata`: only for rows VS Code asks to draw, a few at a time, cached per
// server/feed/package version with a TTL. No `vscode` import: the provider redraws the rows it is told about.
//
// Support is learnt, not configured: the first lookup on a server is its probe (the others wait), and a
// server that turns out to be ProGet Free, or a feed whose metadata API does not know its own packages
// (an older ProGet, a feed type the API does not cover), gets one log line and no further requests until
// the tree is refreshed.

import type { PackageCompliance, ProGetClientApi } from '@proget-ci/core';
import { errorSummary, isProGetError } from '@proget-ci/core';
import { packageIdText, type ServerRef, serverOf, type VersionNode } from '../tree/model.js';

export interface ComplianceHost {
  client(server: ServerRef): Promise<ProGetClientApi>;
  log: { warn(message: string): void; debug(message: string): void; info?(message: string): void };
  now?: () => number;
  /** Rows whose data arrived (or changed): redraw them. */
  changed(nodes: VersionNode[]): void;
}

/** How long a package version's compliance is trusted before it is asked for again. */
export const COMPLIANCE_TTL_MS = 5 * 60_000;
/** A lookup that failed (network, 5xx) is not retried before this, unless the tree is refreshed. */
export const COMPLIANCE_RETRY_MS = 60_000;
/** Metadata requests in flight at once, over all servers. */
export const COMPLIANCE_CONCURRENCY = 4;
/** Queued lookups beyond this are dropped oldest first (rows scrolled past long ago). */
export const COMPLIANCE_QUEUE_LIMIT = 500;

interface Entry {
  key: string;
  server: ServerRef;
  feed: string;
  group: string;
  name: string;
  version: string;
  state: 'idle' | 'queued' | 'running';
  /** undefined until a lookup answered. */
  value?: PackageCompliance;
  /** When `value` (or the failure) was learnt; 0 forces a new lookup. */
  at: number;
  failed: boolean;
  /** Rows showing this version, redrawn when its data arrives. */
  rows: Set<VersionNode>;
}

type ServerSupport = 'unknown' | 'probing' | 'supported' | 'unsupported';

export class ComplianceLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running = 0;
  private readonly support = new Map<string, ServerSupport>();
  /** `server\nfeed` → why no compliance is shown for that feed. */
  private readonly feedsWithout = new Map<string, string>();
  /** Log lines already written: a reason is said once per session, not once per row or refresh. */
  private readonly said = new Set<string>();
  private pendingRedraw = new Set<VersionNode>();
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ComplianceHost) {}

  /**
   * What to show for a row now: the cached data (also while a newer lookup runs), or undefined. Schedules a
   * lookup when there is none or it is older than the TTL, unless the server or feed has no such data.
   */
  peek(node: VersionNode): PackageCompliance | undefined {
    const server = serverOf(node);
    if (!server || !this.available(server, node.parent.parent.feed.name)) return undefined;
    const entry = this.entryFor(server, node);
    entry.rows.add(node);
    if (entry.state === 'idle' && this.expired(entry)) this.enqueue(entry);
    return entry.value;
  }

  /**
   * A fresh lookup now (for the report): the data, undefined when the server does not know the version,
   * or an error in the user's words when the server or feed has no compliance data.
   */
  async lookupNow(node: VersionNode, signal?: AbortSignal): Promise<PackageCompliance | undefined> {
    const server = serverOf(node);
    if (!server) throw new Error('This row no longer belongs to a configured server.');
    const feed = node.parent.parent.feed.name;
    const entry = this.entryFor(server, node);
    entry.rows.add(node);
    const client = await this.host.client(server);
    let value: PackageCompliance | undefined;
    try {
      value = await client.sca.packages.metadata(feed, selector(entry), { signal });
    } catch (error) {
      const reason = this.unsupportedReason(server, entry, error);
      if (reason) this.markFeed(server, feed, reason);
      throw error;
    }
    if (isFree(client)) {
      this.markServer(server, freeReason(server));
      throw new Error(freeReason(server));
    }
    if (!value) {
      throw new Error(
        `${packageIdText(node.parent)} ${node.version} has no metadata in feed "${feed}" on ${server.name}: the package may have been deleted, or this ProGet's metadata API does not cover the feed.`,
      );
    }
    this.support.set(server.url, 'supported');
    this.store(entry, value, false);
    return value;
  }

  /**
   * Forgets cached data under a server (and feed, and package) so rows look it up again, and lets servers
   * and feeds without support be probed again (an upgrade or a new licence shows at the next Refresh).
   */
  invalidate(scope?: {
    server: string;
    feed?: string;
    group?: string;
    name?: string;
    version?: string;
  }): void {
    const prefix = scope ? keyPrefix(scope) : '';
    for (const [key, entry] of this.entries) if (`${key}\n`.startsWith(prefix)) entry.at = 0;
    if (!scope) {
      this.support.clear();
      this.feedsWithout.clear();
      return;
    }
    if (this.support.get(scope.server) === 'unsupported') this.support.delete(scope.server);
    const feedPrefix = scope.feed === undefined ? `${scope.server}\n` : `${scope.server}\n${scope.feed}\n`;
    for (const key of [...this.feedsWithout.keys()])
      if (`${key}\n`.startsWith(feedPrefix)) this.feedsWithout.delete(key);
  }

  /** Drops everything about a server (removed, or its key changed: data read as someone else goes). */
  forgetServer(url: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.server.url !== url) continue;
      this.entries.delete(key);
      const at = this.queue.indexOf(entry);
      if (at >= 0) this.queue.splice(at, 1);
    }
    this.support.delete(url);
    for (const key of [...this.feedsWithout.keys()])
      if (key.startsWith(`${url}\n`)) this.feedsWithout.delete(key);
  }

  /** Servers something is cached for. */
  knownServers(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.server.url).concat([...this.support.keys()]))];
  }

  /** Whether compliance can be shown for a feed of a server as far as is known now. */
  available(server: ServerRef, feed: string): boolean {
    return this.support.get(server.url) !== 'unsupported' && !this.feedsWithout.has(`${server.url}\n${feed}`);
  }

  dispose(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.queue.length = 0;
  }

  // --- internals --------------------------------------------------------------------------------------

  private entryFor(server: ServerRef, node: VersionNode): Entry {
    const feed = node.parent.parent.feed.name;
    const key = keyOf(server.url, feed, node.parent.group, node.parent.name, node.version);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        key,
        server,
        feed,
        group: node.parent.group,
        name: node.parent.name,
        version: node.version,
        state: 'idle',
        at: 0,
        failed: false,
        rows: new Set(),
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private expired(entry: Entry): boolean {
    if (entry.at === 0) return true;
    const age = this.now() - entry.at;
    return age >= (entry.failed ? COMPLIANCE_RETRY_MS : COMPLIANCE_TTL_MS);
  }

  private enqueue(entry: Entry): void {
    entry.state = 'queued';
    this.queue.push(entry);
    while (this.queue.length > COMPLIANCE_QUEUE_LIMIT) this.queue.shift()!.state = 'idle';
    this.pump();
  }

  private pump(): void {
    while (this.running < COMPLIANCE_CONCURRENCY) {
      const at = this.queue.findIndex((e) => this.support.get(e.server.url) !== 'probing');
      if (at < 0) return;
      const entry = this.queue.splice(at, 1)[0]!;
      if (!this.available(entry.server, entry.feed)) {
        entry.state = 'idle';
        continue;
      }
      if ((this.support.get(entry.server.url) ?? 'unknown') === 'unknown')
        this.support.set(entry.server.url, 'probing');
      entry.state = 'running';
      this.running++;
      void this.run(entry).finally(() => {
        this.running--;
        entry.state = 'idle';
        this.pump();
      });
    }
  }

  private async run(entry: Entry): Promise<void> {
    const { server, feed } = entry;
    const probing = this.support.get(server.url) === 'probing';
    try {
      const client = await this.host.client(server);
      const value = await client.sca.packages.metadata(feed, selector(entry));
      if (isFree(client)) {
        this.markServer(server, freeReason(server));
        return;
      }
      if (probing) this.support.set(server.url, 'supported');
      if (!value) {
        // The tree just listed this version: a metadata API that does not know it does not cover the feed.
        this.markFeed(
          server,
          feed,
          `No compliance data for feed "${feed}" on ${server.name}: its metadata API does not know the packages the feed lists (ProGet before 2023, or a feed type the API does not cover).`,
        );
        return;
      }
      this.store(entry, value, true);
    } catch (error) {
      const reason = this.unsupportedReason(server, entry, error);
      if (reason) {
        if (probing) this.support.set(server.url, 'supported');
        this.markFeed(server, feed, reason);
        return;
      }
      // Transient (network, timeout, 5xx): this row shows nothing for now; tried again after a while.
      if (probing) this.support.set(server.url, 'unknown');
      entry.at = this.now();
      entry.failed = true;
      entry.rows.clear();
      this.host.log.debug(`No compliance data for ${idText(entry)} in ${feed}: ${errorSummary(error)}`);
    }
  }

  private unsupportedReason(server: ServerRef, entry: Entry, error: unknown): string | undefined {
    if (isProGetError(error, 'edition-required')) return freeReason(server);
    if (
      isProGetError(error, 'not-found') ||
      isProGetError(error, 'not-supported') ||
      isProGetError(error, 'bad-request')
    )
      return `No compliance data for feed "${entry.feed}" on ${server.name}: its metadata API is not available here (${errorSummary(error)}).`;
    if (isProGetError(error, 'forbidden') || isProGetError(error, 'unauthorized'))
      return `No compliance data for feed "${entry.feed}" on ${server.name}: the API key may not read package metadata (${errorSummary(error)}).`;
    return undefined;
  }

  private store(entry: Entry, value: PackageCompliance, redraw: boolean): void {
    entry.value = value;
    entry.at = this.now();
    entry.failed = false;
    if (redraw) this.redraw(entry);
  }

  private markServer(server: ServerRef, reason: string): void {
    this.support.set(server.url, 'unsupported');
    this.dropQueued((e) => e.server.url === server.url);
    this.say(reason);
  }

  private markFeed(server: ServerRef, feed: string, reason: string): void {
    this.feedsWithout.set(`${server.url}\n${feed}`, reason);
    this.dropQueued((e) => e.server.url === server.url && e.feed === feed);
    this.say(reason);
  }

  private dropQueued(match: (e: Entry) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (match(this.queue[i]!)) this.queue.splice(i, 1)[0]!.state = 'idle';
    }
  }

  private say(reason: string): void {
    if (this.said.has(reason)) return;
    this.said.add(reason);
    (this.host.log.info ?? this.host.log.warn).call(this.host.log, reason);
  }

  /** Rows are redrawn in batches: a package's versions arriving together make one change event. */
  private redraw(entry: Entry): void {
    for (const row of entry.rows) this.pendingRedraw.add(row);
    entry.rows.clear();
    if (this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      const rows = [...this.pendingRedraw];
      this.pendingRedraw = new Set();
      if (rows.length) this.host.changed(rows);
    }, 25);
  }

  private now(): number {
    return this.host.now?.() ?? Date.now();
  }
}

function isFree(client: ProGetClientApi): boolean {
  return client.serverInfo.edition?.trim().toLowerCase() === 'free';
}

function freeReason(server: ServerRef): string {
  return `${server.name} runs ProGet Free: compliance and vulnerability data need ProGet Basic or Enterprise, so the tree shows none.`;
}

function selector(e: { group: string; name: string; version: string }) {
  return { name: e.name, version: e.version, group: e.group || undefined };
}

function idText(e: { group: string; name: string; version: string }): string {
  return `${packageIdText(e)} ${e.version}`;
}

function keyOf(server: string, feed: string, group: string, name: string, version: string): string {
  return [server, feed, group, name, version].join('\n');
}

function keyPrefix(scope: {
  server: string;
  feed?: string;
  group?: string;
  name?: string;
  version?: string;
}): string {
  const parts = [scope.server];
  if (scope.feed !== undefined) {
    parts.push(scope.feed);
    if (scope.name !== undefined) {
      parts.push(scope.group ?? '', scope.name);
      if (scope.version !== undefined) parts.push(scope.version);
    }
  }
  return `${parts.join('\n')}\n`;
}
