// Reading response bodies with a ceiling, so a huge or hostile body costs bounded memory.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** Error text beyond this is cut off: enough for any real ProGet message or HTML error page. */
export const ERROR_TEXT_LIMIT = 64 * 1024;
/** JSON lists beyond this are refused rather than buffered. */
export const DEFAULT_JSON_LIMIT = 64 * 1024 * 1024;

export interface BoundedBody {
  buffer: Buffer;
  /** True when the body was longer than the limit and the rest was not read. */
  truncated: boolean;
}

export async function readBounded(stream: Readable, limit: number): Promise<BoundedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    if (size + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - size));
      size = limit;
      truncated = true;
      break; // leaving the loop destroys the stream: the rest is never read
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { buffer: Buffer.concat(chunks, size), truncated };
}

export function decodeText(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function contentLength(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function looksLikeHtml(text: string, headers: IncomingHttpHeaders): boolean {
  const type = mediaType(headers);
  if (type === 'text/html' || type === 'application/xhtml+xml') return true;
  return /^\s*<(!doctype|html|head|body)\b/i.test(text);
}

/** A short, single-line excerpt of a body for error messages. */
export function excerpt(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max)}…`;
}
