// A feed with more packages than one page: 130 packages published through core into the simulator, the
// default page size of 100, and "Load more" with exact totals: the first page from one short request, the
// rest from one request for the whole list.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { FeedsTreeProvider, MAX_LISTED_PACKAGES } = await import('../src/tree/provider.js');
type TreeNode = import('../src/tree/model.js').TreeNode;

const COUNT = 130;
let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
  dir = await mkdtemp(join(tmpdir(), 'proget-ext-large-'));
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'readme.txt'), 'x\n');
  const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
  for (let i = 0; i < COUNT; i++) {
    const name = `pkg-${String(i).padStart(3, '0')}`;
    const built = await buildPackage({
      sourceDir: src,
      manifest: { group: 'bulk', name, version: '1.0.0' },
      outFile: join(dir, `${name}.upack`),
    });
    await client.universal.upload('approved-feed', built.path);
  }
}, 120_000);

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a feed larger than a page', () => {
  test('shows 100 from a request for 101, then the rest from one request for all', async () => {
    const provider = new FeedsTreeProvider({
      servers: () => [{ url: sim.url, name: 'Sim' }],
      client: async () => new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' }),
      auth: () => 'key',
      pageSize: () => 100,
      log: { warn: () => {}, debug: () => {} },
    });
    const [server] = await provider.getChildren();
    const feed = (await provider.getChildren(server)).find(
      (n) => n.type === 'feed' && n.feed.name === 'approved-feed',
    ) as TreeNode;
    let kids = await provider.getChildren(feed);
    const total = COUNT + 1; // the demo seed's ABLast is there too
    expect(kids).toHaveLength(101);
    const more = kids[100]!;
    expect((provider.getTreeItem(more) as unknown as { label: string }).label).toBe(
      `Load more (100 of ${total})`,
    );
    provider.loadMore(more as never);
    kids = await provider.getChildren(feed);
    expect(kids).toHaveLength(total);
    expect(kids.some((k) => k.type === 'loadMore')).toBe(false);
    // The simulator logs a request when its connection closes, a moment after the client is done.
    await new Promise((r) => setTimeout(r, 100));
    const lists = sim.requests().filter((r) => r.url.startsWith('/upack/approved-feed/packages'));
    // The first page asks for one more than it shows (to know there is more); the total comes from /meta.
    // Without an explicit count ProGet stops at 1000 packages and says nothing; the whole list asks for all.
    expect(lists.map((r) => new URL(r.url, sim.url).searchParams.get('count'))).toEqual([
      '101',
      String(MAX_LISTED_PACKAGES),
    ]);
    expect(sim.requests().filter((r) => r.url.startsWith('/upack/approved-feed/meta'))).toHaveLength(1);
  });
});
