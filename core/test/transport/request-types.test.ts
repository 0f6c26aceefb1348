// Issue 11 on the wire: request bodies carry bare media types (a 2022-era ProGet refused the charset
// directive), and create endpoints' 201 is a success.

import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProGetClient } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { head, type RawServer, rawServer } from './raw-server.js';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function reply(socket: Socket, status: string, body = ''): void {
  const type: Record<string, string> = body ? { 'Content-Type': 'application/json' } : {};
  socket.end(
    head(status, { 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...type }) + body,
  );
}

describe('request bodies go out with bare media types', () => {
  it('every write sends no charset directive, and 201 answers are successes', async () => {
    server = await rawServer((socket, req) => {
      // GETs: the Native API, and the grouped-twin check before an ungrouped delete (api-notes §7).
      if (req.path.startsWith('/api/json/') || req.method === 'GET') reply(socket, '200 OK', '[]');
      else reply(socket, '201 Created');
    });
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'p.upack');
      await writeFile(file, 'PK\u0003\u0004');
      const client = new ProGetClient({ url: server.url, apiKey: 'k', retries: 0 });
      await client.deployments.record({
        feed: 'f',
        name: 'app',
        version: '1.0.0',
        application: 'a',
        description: 'd',
        target: 't',
      });
      await client.promotions.promote({ name: 'app', version: '1.0.0', fromFeed: 'a', toFeed: 'b' });
      await client.universal.upload('f', file);
      await client.universal.delete('f', { name: 'app', version: '1.0.0' });
      const writes = server.requests.filter((r) => r.method !== 'GET');
      expect(writes.map((r) => `${r.method} ${r.headers['content-type'] ?? '(none)'}`)).toEqual([
        'POST application/json',
        'POST application/json',
        'PUT application/zip',
        'POST (none)',
      ]);
      for (const request of server.requests) expect(request.head.toLowerCase()).not.toContain('charset');
    } finally {
      await dir.remove();
    }
  });
});
