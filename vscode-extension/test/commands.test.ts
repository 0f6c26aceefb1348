// What the promote and delete commands tell people when ProGet refuses, from real refusals of the simulator.

import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../test/sim/index.js';

vi.mock('vscode', () => import('./fake-vscode.js'));

const { promotionError } = await import('../src/commands/packageCommands.js');

let free: SimulatorHandle;
beforeAll(async () => {
  free = await startSimulator({ seed: 'demo', versionMode: '2023', edition: 'Free' });
});
afterAll(async () => {
  await free.close();
});

const promote = (sim: SimulatorHandle, key: string) =>
  new ProGetClient({ url: sim.url, apiKey: key, retries: 0 }).promotions.promote({
    fromFeed: 'dev-feed',
    toFeed: 'approved-feed',
    name: 'HDARS',
    version: '1.3.10',
  });

describe('promotionError', () => {
  test('the Free edition refusal is explained, with what to do instead', async () => {
    const error = await promote(free, 'demo-admin-key').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const text = promotionError(error);
    expect(text).toMatch(/needs ProGet Basic or Enterprise; this server runs the Free edition/);
    expect(text).toMatch(/Promote in the ProGet web UI instead/);
  });

  test('a key without the promote privilege is told which privilege it needs', async () => {
    const sim = await startSimulator({ seed: 'demo', versionMode: '2023' });
    try {
      const error = await promote(sim, 'demo-view-key').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(promotionError(error)).toMatch(/Feeds_AcceptPackagePromotions/);
    } finally {
      await sim.close();
    }
  });

  test('anything else keeps the first line of the message', () => {
    expect(promotionError(new Error('socket hang up'))).toBe('Promotion failed: socket hang up');
  });
});
