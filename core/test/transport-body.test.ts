import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretScrubber } from '../src/redact.js';
import { Transport } from '../src/transport/transport.js';
import { rejection, startServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function transport(url: string): Transport {
  return new Transport({
    baseUrl: url,
    origin: new URL(url).origin,
    authHeaders: {},
    scrubber: new SecretScrubber([]),
    userAgent: 'test',
    timeoutMs: 5000,
    transferTimeoutMs: 5000,
    overallAppliesToTransfers: false,
    retries: 2,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 1,
    maxRedirects: 5,
    tls: { rejectUnauthorized: true },
  });
}

describe('request bodies', () => {
  it('a body stream that fails locally ends the request at once with that error, not a timeout', async () => {
    server = await startServer(() => {}, { readBody: false });
    const started = Date.now();
    const error = await rejection(
      transport(server.url).send({
        method: 'PUT',
        path: '/upload',
        transfer: true,
        operation: 'upload',
        body: {
          type: 'stream',
          length: 100,
          contentType: 'application/zip',
          open: () =>
            new Readable({
              read() {
                this.push(Buffer.alloc(10));
                this.destroy(Object.assign(new Error('EIO: disk went away'), { code: 'EIO' }));
              },
            }),
        },
      }),
    );
    expect(error.message).toContain('disk went away');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
