// PUT/POST /upack/{feed}/upload[/{group...}/{name}[/{version}]]: a complete .upack, or content (zip body or
// content-b64) plus metadata from the path, the query, form fields or JSON. The same parameter given twice
// with different values is a 400.

import { rm, writeFile } from 'node:fs/promises';
import type { Call, Sim } from './context.js';
import { isUniversal } from './context.js';
import { type Fields, HttpError, mediaType, readFields, type SimResponse, str } from './http.js';
import { checkManifest, commitPackage, readListing } from './ingest.js';
import { type Manifest, parseManifest } from './manifest.js';
import type { FileHashes } from './store.js';
import { isValidVersion } from './versions.js';
import { writePackage } from './zip.js';

const NOT_METADATA = new Set(['key', 'api_key', 'content-b64', 'content-url']);

/** Equal values; names and groups match case-insensitively, as everywhere in ProGet. */
function same(key: string, a: unknown, b: unknown): boolean {
  if ((key === 'name' || key === 'group') && typeof a === 'string' && typeof b === 'string')
    return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

class Metadata {
  readonly values: Manifest = {};
  private readonly sources: Record<string, string> = {};

  put(key: string, value: unknown, source: string) {
    if (value === undefined || (key !== 'group' && value === '')) return;
    const existing = this.values[key];
    if (existing !== undefined && !same(key, existing, value)) {
      throw new HttpError(
        400,
        `The parameter "${key}" was specified more than once with different values (in the ${this.sources[key]} and in the ${source}).`,
      );
    }
    this.values[key] = value;
    this.sources[key] = source;
  }
}

function commaList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function fromPath(meta: Metadata, segments: string[], versionElsewhere: boolean) {
  if (segments.length === 0) return;
  let rest = segments;
  const last = rest[rest.length - 1]!;
  if (!versionElsewhere && rest.length >= 2 && isValidVersion(last)) {
    meta.put('version', last, 'path');
    rest = rest.slice(0, -1);
  }
  meta.put('name', rest[rest.length - 1], 'path');
  if (rest.length > 1) meta.put('group', rest.slice(0, -1).join('/'), 'path');
}

function fromPairs(
  meta: Metadata,
  pairs: Iterable<[string, unknown]>,
  source: string,
  listsAreStrings: boolean,
) {
  for (const [key, value] of pairs) {
    if (NOT_METADATA.has(key.toLowerCase())) continue;
    meta.put(
      key,
      key === 'dependencies' || key === 'tags' ? (listsAreStrings ? commaList(value) : value) : value,
      source,
    );
  }
}

export async function upload(
  sim: Sim,
  call: Call,
  feedName: string,
  pathSegments: string[],
): Promise<SimResponse> {
  const type = mediaType(call.req);
  const structured = type === 'application/json' || type === 'application/x-www-form-urlencoded';
  let fields: Fields = {};
  if (structured) {
    // The key may be in the body, so the body is read before authorizing (it is JSON or a form, not a package).
    fields = await readFields(call.req, call.body, 512 * 1024 * 1024);
  }
  const who = call.who(str(fields.API_Key ?? fields.key));
  const feed = sim.usableFeed(who, feedName, 'Feeds_AddPackage');
  if (!isUniversal(feed)) throw new HttpError(400, `Feed ${feed.name} is not a universal feed.`);

  const temps: string[] = [];
  let content: string | undefined;
  let receivedHashes: FileHashes | undefined;
  if (!structured) {
    const received = await sim.store.receive(call.body);
    temps.push(received.tempPath);
    content = received.tempPath;
    receivedHashes = received.hashes;
  } else {
    const b64 = str(fields['content-b64']);
    const url = str(fields['content-url']);
    if (b64 !== undefined && url !== undefined)
      throw new HttpError(400, 'Specify only one of content-b64 and content-url.');
    if (url !== undefined)
      throw new HttpError(
        400,
        'content-url is not supported by this simulator (it fetches no URLs); send content-b64 or a zip body.',
      );
    if (b64 !== undefined) {
      content = sim.store.tempPath();
      temps.push(content);
      await writeFile(content, Buffer.from(b64, 'base64'));
    }
  }

  try {
    const meta = new Metadata();
    const versionElsewhere = call.query.has('version') || fields.version !== undefined;
    fromPath(meta, pathSegments, versionElsewhere);
    fromPairs(meta, call.query.entries(), 'query string', true);
    fromPairs(
      meta,
      Object.entries(fields),
      type === 'application/json' ? 'JSON body' : 'form',
      type !== 'application/json',
    );

    let manifest: Manifest;
    let source: string | undefined = content;
    let prefix = 'package/';
    let rewrite = true;
    if (content) {
      const listing = await readListing(content);
      if (listing.manifestText !== undefined) {
        const parsed = parseManifest(listing.manifestText);
        if (typeof parsed === 'string') throw new HttpError(400, parsed);
        manifest = parsed;
        rewrite = false;
        for (const [key, value] of Object.entries(meta.values)) {
          const own = manifest[key];
          if (key === 'group' && value === '' && !own) continue;
          if (own !== undefined && !same(key, own, value))
            throw new HttpError(
              400,
              `The parameter "${key}" conflicts with the value in the package's upack.json.`,
            );
          if (own === undefined) {
            manifest[key] = value;
            rewrite = true;
          }
        }
        prefix = '';
      } else {
        manifest = meta.values;
      }
    } else {
      manifest = meta.values;
      source = undefined;
    }
    // `group=` with no value names the empty group; the manifest simply has no group then.
    if (manifest.group === '') delete manifest.group;
    checkManifest(sim, manifest);

    let file = content;
    if (rewrite || !file) {
      file = sim.store.tempPath();
      temps.push(file);
      await writePackage(file, manifest, source, prefix);
    }
    const hashes = file === content && receivedHashes ? receivedHashes : await sim.store.hashFile(file);
    await commitPackage(sim, who, feed, file, hashes, manifest);
    return { status: 201, body: '' };
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}
