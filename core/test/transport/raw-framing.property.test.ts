// Properties of the raw reader's body framing: whatever the body, however the server frames it
// (Content-Length, chunked with extensions and trailers, the end of the connection), and wherever the
// bytes are split on the wire, the reader hands on exactly the body.

import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from '../../src/transport/raw-http.js';
import { type RawServer, rawServer, writePieces } from './raw-server.js';

/** What the next connection is sent: the response bytes, cut into pieces, and whether to end after them. */
let script: { pieces: Buffer[]; end: boolean } = { pieces: [], end: true };
let server: RawServer;
beforeAll(async () => {
  server = await rawServer((socket) => {
    socket.setNoDelay(true);
    return writePieces(socket, script.pieces, script.end);
  });
});
afterAll(() => server.close());

/** Cuts `bytes` at the given positions (taken modulo its length), in order. */
function cut(bytes: Buffer, positions: number[]): Buffer[] {
  const at = [...new Set(positions.map((p) => (bytes.length ? p % bytes.length : 0)))]
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

async function fetchBody(bytes: Buffer, positions: number[], end = true): Promise<Buffer> {
  script = { pieces: cut(bytes, positions), end };
  const { message } = await rawGet(
    new URL('/file', server.url),
    {},
    {
      signal: new AbortController().signal,
      socketTimeout: 5000,
    },
  );
  const body = await buffer(message);
  expect(message.complete).toBe(true);
  return body;
}

const bodies = fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a));
const splits = fc.array(fc.nat(), { maxLength: 8 });
/** 1xx interim responses that may precede the real one. */
const interims = fc.array(fc.constantFrom('100 Continue', '102 Processing', '103 Early Hints'), {
  maxLength: 3,
});
const runs = { numRuns: 40 };

function prefix(interim: string[]): string {
  return interim.map((line) => `HTTP/1.1 ${line}\r\n\r\n`).join('');
}

describe('raw reader body framing (property)', () => {
  it('Content-Length: exactly that many bytes, whatever follows and wherever it is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        splits,
        interims,
        fc.uint8Array({ maxLength: 40 }),
        async (body, at, pre, junk) => {
          const bytes = Buffer.concat([
            Buffer.from(`${prefix(pre)}HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
            body,
            Buffer.from(junk),
          ]);
          // The connection stays open: the length alone must end the body.
          expect((await fetchBody(bytes, at, false)).equals(body)).toBe(true);
        },
      ),
      runs,
    );
  });

  it('chunked: any chunking, with extensions and trailers, wherever it is split', async () => {
    const extension = fc.constantFrom('', ';a=1', ';name="q;x"', ' ;b');
    const trailers = fc.array(fc.constantFrom('X-Checksum: 1', 'Expires: 0'), { maxLength: 2 });
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.array(fc.nat(), { maxLength: 6 }),
        extension,
        trailers,
        splits,
        interims,
        async (body, chunkAt, ext, trailer, at, pre) => {
          const parts: Buffer[] = [
            Buffer.from(`${prefix(pre)}HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n`, 'latin1'),
          ];
          for (const chunk of body.length ? cut(body, chunkAt) : []) {
            if (chunk.length === 0) continue;
            parts.push(
              Buffer.from(`${chunk.length.toString(16)}${ext}\r\n`, 'latin1'),
              chunk,
              Buffer.from('\r\n'),
            );
          }
          parts.push(Buffer.from(`0${ext}\r\n${trailer.map((t) => `${t}\r\n`).join('')}\r\n`, 'latin1'));
          expect((await fetchBody(Buffer.concat(parts), at, false)).equals(body)).toBe(true);
        },
      ),
      runs,
    );
  });

  it('close-delimited: everything until the end of the connection, wherever it is split', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, splits, interims, async (body, at, pre) => {
        const bytes = Buffer.concat([
          Buffer.from(`${prefix(pre)}HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n\r\n`, 'latin1'),
          body,
        ]);
        expect((await fetchBody(bytes, at)).equals(body)).toBe(true);
      }),
      runs,
    );
  });
});
