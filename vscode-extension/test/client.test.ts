// The extension's clients send package bytes through node:http, where VS Code's proxy support (which
// patches node:http in the extension host) applies; nock patches it the same way, so it stands in here.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, expect, it, vi } from 'vitest';
import { createClient } from '../src/servers.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const BASE = 'http://proget.example.test';

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('a package download goes through node:http (what VS Code patches for its proxy support)', async () => {
  nock.disableNetConnect();
  nock(BASE, { reqheaders: { 'x-apikey': 'k' } })
    .get('/upack/feed/download/app/1.0.0')
    .reply(200, Buffer.from('PK\u0003\u0004bytes'), { 'content-type': 'application/zip' });
  const dir = await mkdtemp(join(tmpdir(), 'proget-ext-client-'));
  try {
    const client = createClient({ url: BASE, apiKey: 'k', retries: 0 });
    const result = await client.universal.download(
      'feed',
      { name: 'app', version: '1.0.0' },
      join(dir, 'a.upack'),
    );
    expect(await readFile(result.path, 'latin1')).toBe('PK\u0003\u0004bytes');
    expect(nock.isDone()).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
