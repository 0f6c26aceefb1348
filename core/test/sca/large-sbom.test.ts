// A 50,000-component SBOM: imported into the simulator in reasonable time, and streamed from disk in
// bounded memory (measured against a server that only counts bytes).

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../test/sim/index.js';
import { ProGetClient } from '../../src/index.js';
import { startServer, tempDir } from '../helpers.js';
import { writeLargeSbom } from './fixtures.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

describe('a 50,000-component SBOM', () => {
  it('imports and audits in reasonable time', async () => {
    const file = join(dir.path, 'huge.cdx.json');
    await writeLargeSbom(file, 'huge', '1.0.0', 50_000);
    const sim = await startSimulator({ seed: 'demo' });
    try {
      const c = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0 });
      const started = Date.now();
      await c.sca.builds.importSbom(file);
      const analysis = await c.sca.builds.audit('huge', '1.0.0');
      expect(analysis.totalPackages).toBe(50_000);
      // None of these made-up packages is known or cached.
      expect(analysis.status).toBe('inconclusive');
      // Generous: two shared cores; the simulator parses and analyses all 50,000 as well.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await sim.close();
    }
  });

  it('is streamed: memory grows far less than the file while it is sent', async () => {
    const file = join(dir.path, 'padded.cdx.json');
    // ~1.3 KB a component: a 64 MiB file.
    await writeLargeSbom(file, 'padded', '1.0.0', 50_000, 1_250);
    const { size } = await stat(file);
    expect(size).toBeGreaterThan(60 * 1024 * 1024);
    let received = 0;
    let atPause: number | undefined;
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    let baseline = 0;
    // The server takes 4 MiB, then stops reading for a while: a client holding the file whole would
    // have read all of it by then; a streaming one waits on the socket.
    const server = await startServer(
      (req, res) => {
        let paused = false;
        req.on('data', (c: Buffer) => {
          received += c.length;
          if (!paused && received > 4 * 1024 * 1024) {
            paused = true;
            req.pause();
            setTimeout(() => {
              atPause = used() - baseline;
              req.resume();
            }, 500);
          }
        });
        req.on('end', () => {
          res.writeHead(200, { 'content-length': 0 });
          res.end();
        });
      },
      { readBody: false },
    );
    try {
      baseline = used();
      const c = new ProGetClient({ url: server.url, apiKey: 'k', retries: 0 });
      expect(await c.sca.builds.importSbom(file)).toEqual({ size, format: 'json' });
      expect(received).toBe(size);
      // The whole file in memory would be +64 MiB; a stream holds a few 256 KiB chunks and socket buffers.
      expect(atPause).toBeDefined();
      expect(atPause!).toBeLessThan(24 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
