// Helpers for the simulator's own tests: raw HTTP as curl would send it, package builders, archive readers.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import archiver from 'archiver';
import yauzl from 'yauzl';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

export interface RawOptions {
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Trusted CA for https. */
  ca?: string | Buffer;
}

/** One request on a fresh connection; the path is sent exactly as given. */
export function raw(
  base: string,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const headers: Record<string, string | number> = { ...options.headers };
  if (body && headers['Content-Length'] === undefined && headers['Transfer-Encoding'] === undefined)
    headers['Content-Length'] = body.length;
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(
      { host: url.hostname, port: url.port, method, path, headers, agent: false, ca: options.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const key = (k: string) => ({ 'X-ApiKey': k });
export const ADMIN = key('demo-admin-key');
export const VIEW = key('demo-view-key');
export const PUBLISH = key('demo-publish-key');
export const PROMOTE = key('demo-promote-key');

export function zipBuffer(entries: { name: string; data: Buffer | string }[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = archiver('zip');
    const chunks: Buffer[] = [];
    archive.on('data', (c: Buffer) => chunks.push(c));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    for (const e of entries) archive.append(e.data, { name: e.name, date: new Date('2020-01-01T00:00:00Z') });
    void archive.finalize();
  });
}

/** A .upack with `upack.json` first and the files under `package/`. */
export function upack(
  manifest: Record<string, unknown>,
  files: Record<string, string> = { 'readme.txt': 'hi' },
) {
  return zipBuffer([
    { name: 'upack.json', data: JSON.stringify(manifest) },
    ...Object.entries(files).map(([name, data]) => ({ name: `package/${name}`, data })),
  ]);
}

export function zipEntries(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Files of a gzipped tar (ustar/pax headers only as far as names and sizes go). */
export function tgzEntries(buffer: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(buffer);
  const out = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    let name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longName = m?.[1];
      continue;
    }
    if (longName) {
      name = longName;
      longName = undefined;
    }
    if (type === '0' || type === '') out.set(name, Buffer.from(data));
  }
  return out;
}
