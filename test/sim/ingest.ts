// Turning a received file into a stored package: read the real zip, check the manifest, commit under the
// version lock (exactly one of several concurrent uploads of a new version wins without Overwrite).

import { rm } from 'node:fs/promises';
import { displayUser, type Principal } from './auth.js';
import { type Feed, isUniversal, packageTypeOf, type Sim } from './context.js';
import { HttpError } from './http.js';
import { type Manifest, parseManifest, validateManifest } from './manifest.js';
import type { FileHashes, PackageRecord } from './store.js';
import { listZip, openZipEntry, type ZipListing } from './zip.js';

export function packageId(group: string, name: string): string {
  return group ? `${group}/${name}` : name;
}

export async function readListing(path: string): Promise<ZipListing> {
  try {
    return await listZip(path);
  } catch (e) {
    throw new HttpError(400, `The uploaded file is not a valid zip archive: ${(e as Error).message}`);
  }
}

export function checkManifest(sim: Sim, manifest: Manifest): void {
  const reason = validateManifest(manifest, { rejectUnknownKeys: sim.behaviour.rejectUnknownManifestKeys });
  if (reason) throw new HttpError(400, `Invalid package manifest (upack.json): ${reason}`);
}

/** The manifest of a complete .upack file, validated. */
export function manifestOf(sim: Sim, listing: ZipListing): Manifest {
  if (listing.manifestText === undefined)
    throw new HttpError(400, 'The package does not contain a upack.json file at its root.');
  const parsed = parseManifest(listing.manifestText);
  if (typeof parsed === 'string') throw new HttpError(400, parsed);
  checkManifest(sim, parsed);
  return parsed;
}

/** id and version of a .nupkg from its .nuspec (enough for the Packages API). */
export async function nuspecOf(path: string, listing: ZipListing): Promise<Manifest> {
  const entry = listing.entries.find(
    (e) => !e.name.includes('/') && e.name.toLowerCase().endsWith('.nuspec'),
  );
  if (!entry) throw new HttpError(400, 'The package does not contain a .nuspec file at its root.');
  const found = await openZipEntry(path, entry.name);
  if (found.kind !== 'file') throw new HttpError(400, 'The .nuspec file could not be read.');
  const chunks: Buffer[] = [];
  for await (const c of found.stream) chunks.push(c as Buffer);
  const xml = Buffer.concat(chunks).toString('utf8');
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1]?.trim();
  const id = pick('id');
  const version = pick('version');
  if (!id || !version) throw new HttpError(400, 'The .nuspec file must contain <id> and <version>.');
  const manifest: Manifest = { name: id, version };
  const description = pick('description');
  if (description) manifest.description = description;
  const authors = pick('authors');
  if (authors) manifest.authors = authors;
  return manifest;
}

export interface CommitOptions {
  extension?: string;
  published?: string;
  downloads?: number;
  cached?: boolean;
  /** Skip the privilege check (seeding, promotion copies). */
  allowOverwrite?: boolean;
}

/** Index a received file in `feed` as the package `manifest` describes. Removes the temp file on failure. */
export async function commitPackage(
  sim: Sim,
  who: Principal,
  feed: Feed,
  tempPath: string,
  hashes: FileHashes,
  manifest: Manifest,
  options: CommitOptions = {},
): Promise<PackageRecord> {
  const group = typeof manifest.group === 'string' ? manifest.group : '';
  const name = String(manifest.name);
  const version = String(manifest.version);
  const virtual = Array.isArray(manifest.contents);
  const extension = options.extension ?? (isUniversal(feed) ? (virtual ? '.vpack' : '.upack') : '.nupkg');
  try {
    return await sim.store.withLock(`${feed.name}|${group}|${name}|${version}`, async () => {
      const existing = sim.store.find(feed.name, group, name, version);
      const allowOverwrite = options.allowOverwrite ?? sim.can(who, 'Feeds_OverwritePackage', feed.name);
      if (existing && !allowOverwrite) {
        throw new HttpError(
          sim.behaviour.overwriteDeniedStatus,
          `Package ${packageId(existing.group, existing.name)} ${existing.version} already exists in feed ${feed.name}, ` +
            'and replacing it requires the Feeds_OverwritePackage privilege.',
        );
      }
      return await sim.store.commit(tempPath, {
        feed: feed.name,
        packageType: packageTypeOf(feed),
        group,
        name,
        version,
        manifest,
        extension,
        hashes,
        published: options.published ?? new Date().toISOString(),
        publishedBy: displayUser(who),
        downloads: options.downloads ?? 0,
        listed: true,
        cached: options.cached ?? false,
        virtual,
      });
    });
  } finally {
    await rm(tempPath, { force: true });
  }
}
