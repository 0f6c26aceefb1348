// Saving a response body to disk: temp file beside the target, hashes while streaming, rename on success,
// nothing left behind on failure.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProGetError } from '../errors.js';
import { HashingStream } from '../hashing.js';
import type { DownloadResult, TransferProgress } from '../types.js';
import { contentLength, mediaType } from './body.js';
import type { ResponseContext } from './transport.js';

export interface SaveOptions {
  /** A file path, or an existing directory to save into under the server's (or the fallback) file name. */
  destPath: string;
  /** Used when `destPath` is a directory and the server sent no usable Content-Disposition name. */
  fallbackName: string;
  operation: string;
  onProgress?: (progress: TransferProgress) => void;
  /** A package or archive is expected: an HTML page (a login page, a proxy's error page) is refused. */
  expectPackage?: boolean;
}

export async function saveResponse(response: ResponseContext, options: SaveOptions): Promise<DownloadResult> {
  const type = mediaType(response.headers);
  if (options.expectPackage && (type === 'text/html' || type === 'application/xhtml+xml')) {
    throw new ProGetError({
      kind: 'invalid-response',
      message: `Could not ${options.operation}: expected a package but the server sent an HTML page (Content-Type: ${type})`,
      status: response.status,
      method: 'GET',
      url: response.url,
      hint: 'Check that the URL points at ProGet itself, not a login page, proxy or another web application.',
    });
  }
  const fileName = parseContentDisposition(response.headers['content-disposition']);
  const target = (await isDirectory(options.destPath))
    ? join(options.destPath, fileName ?? safeFileName(options.fallbackName) ?? 'download')
    : options.destPath;
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const total = contentLength(response.headers);
  const hasher = new HashingStream();
  let transferred = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      transferred += chunk.length;
      response.touch();
      options.onProgress?.({ transferred, total });
      done(null, chunk);
    },
  });
  try {
    await pipeline(response.body, progress, hasher, createWriteStream(temp, { flags: 'wx' }), {
      signal: response.signal,
    });
    if (total !== undefined && hasher.bytes !== total) {
      throw response.retryable(
        new ProGetError({
          kind: 'network',
          message: `Could not ${options.operation}: the download ended after ${hasher.bytes} of ${total} bytes`,
          url: response.url,
          hint: 'The connection was cut short (a proxy, load balancer or the server closed it); try again.',
        }),
      );
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const contentType = response.headers['content-type'];
  return { path: target, ...hasher.digest(), contentType, fileName };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file name from a Content-Disposition header (RFC 6266: `filename*` preferred over `filename`),
 * reduced to a safe base name; undefined when absent or unusable.
 */
export function parseContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      const name = safeFileName(decodeURIComponent(extended[2]!.trim()));
      if (name) return name;
    } catch {
      // fall through to the plain parameter
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return safeFileName(quoted[1]!.replace(/\\(.)/g, '$1'));
  const token = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return token ? safeFileName(token[1]!) : undefined;
}

function safeFileName(name: string): string | undefined {
  // A server must not be able to steer the file outside the chosen directory.
  const base = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[\x00-\x1f]/g, '')
    .trim();
  return base === '' || base === '.' || base === '..' ? undefined : base;
}
