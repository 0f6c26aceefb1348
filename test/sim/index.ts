// startSimulator: a ProGet simulator on 127.0.0.1 built from the vendor docs and api-notes.

import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetUploads, configureAssets, runAssetCleanup, setAssetFaults } from './assets.js';
import { type Behaviour, type Connector, Sim, toFeed } from './context.js';
import { setConnectorState, setHealth } from './control.js';
import { configureSca } from './sca/state.js';
import { DEMO_CONNECTORS, DEMO_FEEDS, DEMO_KEYS, DEMO_USERS, seedDemo } from './seed.js';
import { createContinueHandler, createHandler } from './server.js';
import { Store } from './store.js';
import type { HealthState, Simulator, SimulatorOptions } from './types.js';

export type * from './types.js';

const HEALTHY: HealthState = {
  databaseStatus: 'OK',
  databaseStatusDetails: null,
  licenseStatus: 'OK',
  licenseStatusDetail: null,
  serviceStatus: 'OK',
  serviceStatusDetail: null,
};

/** The handle `startSimulator` returns (same as `Simulator`; kept as a name for the tests). */
export type SimulatorHandle = Simulator;

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'proget-sim-')));
  const store = await Store.open(dataDir);
  const demo = options.seed === 'demo';
  const feeds = [...(demo ? DEMO_FEEDS : []), ...(options.feeds ?? [])].map((f, i) => toFeed(f, i + 1));
  const connectors: Connector[] = [...(demo ? DEMO_CONNECTORS : []), ...(options.connectors ?? [])].map(
    (c) => ({
      ...c,
      lastChecked: c.state === 'unknown' ? null : new Date().toISOString(),
    }),
  );
  const behaviour: Behaviour = {
    edition: options.edition ?? 'Enterprise',
    versionMode: options.versionMode ?? '2024',
    freeDeleteLimitPerHour: options.freeDeleteLimitPerHour ?? 10,
    freeDeleteLimitStatus: options.freeDeleteLimitStatus ?? 429,
    overwriteDeniedStatus: options.overwriteDeniedStatus ?? 403,
    deploymentToDisabledFeed: options.deploymentToDisabledFeed ?? 'ignore',
    rejectUnknownManifestKeys: options.rejectUnknownManifestKeys ?? false,
    legacyConnectorHealth: options.legacyConnectorHealth ?? false,
    importDir: options.importDir,
    editionHeader: options.editionHeader ?? 'lowercase',
    unlicensed: options.unlicensed ?? false,
    rejectCharsetContentType: options.rejectCharsetContentType ?? false,
  };
  const sim = new Sim(
    behaviour,
    store,
    {
      apiKeys: [...(demo ? DEMO_KEYS : []), ...(options.apiKeys ?? [])],
      users: [...(demo ? DEMO_USERS : []), ...(options.users ?? [])],
      anonymous: options.anonymous ?? [],
      pseudoKeys: options.pseudoKeys ?? true,
    },
    feeds,
    connectors,
    { ...HEALTHY, ...options.health },
  );
  sim.faults.set(options.faults ?? []);
  configureSca(sim, options.sca);
  configureAssets(sim, options.assets);
  if (demo) await seedDemo(sim);

  const protocol = options.tls ? 'https' : 'http';
  const handler = createHandler(sim, protocol);
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
  server.on('checkContinue', createContinueHandler(sim, protocol));
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  const cleanupOnExit = () => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  if (ownDir) process.once('exit', cleanupOnExit);

  return {
    url: `${protocol}://127.0.0.1:${port}`,
    port,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      await store.close();
      if (ownDir) {
        process.removeListener('exit', cleanupOnExit);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    setFaults(rules) {
      sim.faults.set(rules);
    },
    setConnectorState(id, state, errorMessage) {
      setConnectorState(sim, id, state, errorMessage);
    },
    setHealth(patch) {
      setHealth(sim, patch);
    },
    setAssetFaults(faults) {
      setAssetFaults(sim, faults);
    },
    assetUploads() {
      return assetUploads(sim);
    },
    runAssetCleanup() {
      return runAssetCleanup(sim);
    },
    requests() {
      return sim.log.map((r) => ({ ...r }));
    },
    deployments() {
      return sim.store.deployments.map((d) => ({ ...d }));
    },
  };
}
