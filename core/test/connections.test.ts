import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ProGetClient } from '../src/index.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  server = undefined;
});

/** A server that answers every request with `[]` and counts the TCP connections it was opened on. */
async function countingServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

it('reads reuse one connection; a write gets a fresh one', async () => {
  const { url, connections } = await countingServer();
  const client = new ProGetClient({ url, apiKey: 'k' });
  for (let i = 0; i < 5; i++) await client.promotions.list({ toFeed: 'approved' });
  expect(connections()).toBe(1);
  await client.deployments.record({
    feed: 'f',
    name: 'n',
    version: '1.0.0',
    application: 'a',
    description: 'd',
    target: 't',
  });
  expect(connections()).toBe(2);
});
