// On-disk storage: package files under `packages/`, one JSON index written atomically (temp + rename), and a
// per-version lock so that concurrent commits of the same version serialize.

import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FileHashes, hashFile, PooledHasher } from './hashing.js';
import type { Manifest } from './manifest.js';
import type { RecordedDeployment } from './types.js';
import { groupPackages } from './views.js';

export type { FileHashes } from './hashing.js';

export interface PackageRecord {
  id: string;
  /** Canonical feed name. */
  feed: string;
  /** `upack`, `nuget`, ... as the promotions API names package types. */
  packageType: string;
  /** '' is the empty group. */
  group: string;
  name: string;
  version: string;
  manifest: Manifest;
  /** Path relative to the data directory. */
  file: string;
  extension: string;
  hashes: FileHashes;
  published: string;
  publishedBy?: string;
  downloads: number;
  listed: boolean;
  cached: boolean;
  virtual: boolean;
}

export interface PromotionRecord {
  id: number;
  packageType: string;
  group: string;
  name: string;
  version: string;
  fromFeed: string;
  toFeed: string;
  date: string;
  user: string;
  comments: string;
}

interface IndexFile {
  format: 1;
  seeded: boolean;
  packages: PackageRecord[];
  promotions: PromotionRecord[];
  deployments: RecordedDeployment[];
  nextPromotionId: number;
}

const lower = (s: string) => s.toLowerCase();
/** Feed, group and name, lower-cased; NUL cannot occur in any of them. */
const packageKey = (feed: string, group: string, name: string) =>
  `${lower(feed)}\0${lower(group)}\0${lower(name)}`;

export class Store {
  private index: IndexFile = {
    format: 1,
    seeded: false,
    packages: [],
    promotions: [],
    deployments: [],
    nextPromotionId: 1,
  };
  private readonly locks = new Map<string, Promise<unknown>>();
  /**
   * Records by lower-cased feed, and by feed + group + name, in index order; built on first use and dropped
   * whenever the package list changes. A feed of thousands answers each version lookup without a scan.
   */
  private byFeed: Map<string, PackageRecord[]> | undefined;
  private byPackage: Map<string, PackageRecord[]> | undefined;
  private readonly groupsByFeed = new Map<string, PackageRecord[][]>();
  private readonly bodies = new Map<string, string>();
  private pending: Promise<void> | undefined;
  private dirty = false;
  private tempCounter = 0;

  private constructor(readonly dataDir: string) {}

  static async open(dataDir: string): Promise<Store> {
    const store = new Store(dataDir);
    await mkdir(join(dataDir, 'packages'), { recursive: true });
    await rm(join(dataDir, 'tmp'), { recursive: true, force: true });
    await mkdir(join(dataDir, 'tmp'), { recursive: true });
    try {
      const text = await readFile(join(dataDir, 'index.json'), 'utf8');
      store.index = JSON.parse(text) as IndexFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await store.removeOrphans();
    return store;
  }

  /** Files left by a crash between rename and index write are not packages. */
  private async removeOrphans() {
    const known = new Set(this.index.packages.map((p) => p.file.split('/').pop()));
    for (const f of await readdir(join(this.dataDir, 'packages'))) {
      if (!known.has(f)) await rm(join(this.dataDir, 'packages', f), { force: true });
    }
  }

  get seeded() {
    return this.index.seeded;
  }

  set seeded(value: boolean) {
    this.index.seeded = value;
  }

  get packages(): readonly PackageRecord[] {
    return this.index.packages;
  }

  get promotions(): readonly PromotionRecord[] {
    return this.index.promotions;
  }

  get deployments(): readonly RecordedDeployment[] {
    return this.index.deployments;
  }

  path(record: PackageRecord): string {
    return join(this.dataDir, record.file);
  }

  tempPath(): string {
    return join(this.dataDir, 'tmp', `${process.pid}-${++this.tempCounter}-${randomUUID()}.part`);
  }

  /** Stream `source` to a temp file, hashing on the way; the temp file is removed if the stream fails. */
  async receive(
    source: Readable,
    tempPath = this.tempPath(),
  ): Promise<{ tempPath: string; hashes: FileHashes }> {
    const hasher = new PooledHasher();
    try {
      await pipeline(source, hasher, createWriteStream(tempPath));
    } catch (e) {
      hasher.destroy();
      await rm(tempPath, { force: true });
      throw e;
    }
    return { tempPath, hashes: await hasher.result() };
  }

  hashFile(path: string): Promise<FileHashes> {
    return hashFile(path);
  }

  feedPackages(feed: string): PackageRecord[] {
    this.buildLookups();
    return (this.byFeed!.get(lower(feed)) ?? []).slice();
  }

  /**
   * A feed's records grouped by package and sorted as ProGet lists them (group, name, then ascending
   * version): kept until the next change, since a feed of 100,000 packages takes seconds to sort and the
   * extension's benchmarks measure the client, not this. Callers must not change the arrays.
   */
  feedGroups(feed: string): readonly PackageRecord[][] {
    this.buildLookups();
    const f = lower(feed);
    let groups = this.groupsByFeed.get(f);
    if (!groups) {
      groups = groupPackages(this.byFeed!.get(f) ?? []);
      this.groupsByFeed.set(f, groups);
    }
    return groups;
  }

  /**
   * A response body made from the packages, kept until they change (a download counts as a change: lists
   * show download counts). A 100,000-package list is 23 MB of JSON that takes seconds to build.
   */
  body(key: string, make: () => string): string {
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = make();
      this.bodies.set(key, body);
    }
    return body;
  }

  find(feed: string, group: string, name: string, version: string): PackageRecord | undefined {
    const v = lower(version);
    return this.versionsOf(feed, group, name).find((p) => lower(p.version) === v);
  }

  versionsOf(feed: string, group: string, name: string): PackageRecord[] {
    this.buildLookups();
    return (this.byPackage!.get(packageKey(feed, group, name)) ?? []).slice();
  }

  private buildLookups(): void {
    if (this.byFeed && this.byPackage) return;
    const byFeed = new Map<string, PackageRecord[]>();
    const byPackage = new Map<string, PackageRecord[]>();
    for (const p of this.index.packages) {
      const f = lower(p.feed);
      const k = packageKey(p.feed, p.group, p.name);
      const inFeed = byFeed.get(f);
      if (inFeed) inFeed.push(p);
      else byFeed.set(f, [p]);
      const versions = byPackage.get(k);
      if (versions) versions.push(p);
      else byPackage.set(k, [p]);
    }
    this.byFeed = byFeed;
    this.byPackage = byPackage;
  }

  private packagesChanged(): void {
    this.byFeed = undefined;
    this.byPackage = undefined;
    this.groupsByFeed.clear();
    this.bodies.clear();
  }

  /** Run `fn` with the lock of one package version held. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = lower(key);
    const previous = this.locks.get(k) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(k, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(k) === tail) this.locks.delete(k);
    }
  }

  /**
   * Move a received file into place and index it, replacing an existing version. The caller holds the
   * version lock and has decided whether replacing is allowed.
   */
  async commit(tempPath: string, draft: Omit<PackageRecord, 'id' | 'file'>): Promise<PackageRecord> {
    const existing = this.find(draft.feed, draft.group, draft.name, draft.version);
    const id = randomUUID();
    const file = `packages/${id}${draft.extension}`;
    await rename(tempPath, join(this.dataDir, file));
    const record: PackageRecord = { ...draft, id, file };
    if (existing) {
      // Keep the stored casing of the first upload's identity, as ProGet does.
      record.group = existing.group;
      record.name = existing.name;
      record.downloads = existing.downloads;
      const i = this.index.packages.indexOf(existing);
      this.index.packages.splice(i, 1, record);
      this.packagesChanged();
    } else {
      const sibling = this.versionsOf(draft.feed, draft.group, draft.name)[0];
      if (sibling) {
        record.group = sibling.group;
        record.name = sibling.name;
      }
      this.index.packages.push(record);
      this.packagesChanged();
    }
    await this.save();
    if (existing) await rm(this.path(existing), { force: true });
    return record;
  }

  async remove(record: PackageRecord): Promise<void> {
    const i = this.index.packages.indexOf(record);
    if (i < 0) return;
    this.index.packages.splice(i, 1);
    this.packagesChanged();
    await this.save();
    await rm(this.path(record), { force: true });
  }

  async addPromotion(p: Omit<PromotionRecord, 'id'>): Promise<PromotionRecord> {
    const record = { ...p, id: this.index.nextPromotionId++ };
    this.index.promotions.push(record);
    await this.save();
    return record;
  }

  async addDeployment(d: RecordedDeployment): Promise<void> {
    this.index.deployments.push(d);
    await this.save();
  }

  countDownload(record: PackageRecord): void {
    record.downloads++;
    this.bodies.clear();
    this.save().catch(() => undefined);
  }

  /** Write the index atomically; concurrent calls coalesce and each resolves after its state is on disk. */
  save(): Promise<void> {
    this.dirty = true;
    this.pending ??= this.flush();
    return this.pending;
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const target = join(this.dataDir, 'index.json');
        const temp = `${target}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(this.index));
        await rename(temp, target);
      }
    } finally {
      this.pending = undefined;
    }
  }

  async close(): Promise<void> {
    while (this.pending) await this.pending;
  }
}
