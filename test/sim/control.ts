// /__sim/*: test-only control endpoints (no auth, not in the request log).

import type { Call, HealthState, Sim } from './context.js';
import { validateRules } from './faults.js';
import { HttpError, json, readBody, readFields, type SimResponse, str, text } from './http.js';
import type { ConnectorConfig } from './types.js';

export function setConnectorState(
  sim: Sim,
  id: number,
  state: ConnectorConfig['state'],
  errorMessage?: string,
) {
  const c = sim.connectors.find((x) => x.id === id);
  if (!c) throw new HttpError(404, `Connector ${id} was not found.`);
  if (!['healthy', 'error', 'unknown'].includes(state))
    throw new HttpError(400, `Unknown connector state "${state}".`);
  c.state = state;
  c.errorMessage = state === 'error' ? (errorMessage ?? 'Unknown error.') : undefined;
  c.lastChecked = state === 'unknown' ? null : new Date().toISOString();
}

export function setHealth(sim: Sim, patch: Partial<HealthState>) {
  for (const k of ['databaseStatus', 'licenseStatus', 'serviceStatus'] as const) {
    const v = patch[k];
    if (v !== undefined && v !== 'OK' && v !== 'Error')
      throw new HttpError(400, `${k} must be "OK" or "Error".`);
  }
  sim.health = { ...sim.health, ...patch };
}

export function snapshot(sim: Sim) {
  return {
    edition: sim.behaviour.edition,
    versionMode: sim.behaviour.versionMode,
    productVersion: sim.productVersion.version,
    feeds: sim.feeds,
    connectors: sim.connectors,
    health: sim.health,
    packages: sim.store.packages.map((p) => ({
      feed: p.feed,
      group: p.group,
      name: p.name,
      version: p.version,
      size: p.hashes.size,
      sha1: p.hashes.sha1,
      sha256: p.hashes.sha256,
      downloads: p.downloads,
      virtual: p.virtual,
    })),
    promotions: sim.store.promotions,
    deployments: sim.store.deployments,
    faults: sim.faults.list(),
    apiKeys: sim.auth.apiKeys.map((k) => ({ key: k.key, privileges: k.privileges, feeds: k.feeds })),
  };
}

export async function control(sim: Sim, call: Call, rest: string[]): Promise<SimResponse> {
  const route = `${call.method} ${rest.join('/')}`;
  if (route === 'GET requests') return json(200, sim.log);
  if (route === 'POST reset-log') {
    sim.log.length = 0;
    return { status: 204 };
  }
  if (route === 'GET deployments') return json(200, sim.store.deployments);
  if (route === 'GET state') return json(200, snapshot(sim));
  if (route === 'POST faults') {
    const raw = (await readBody(call.body, 1024 * 1024)).toString('utf8');
    try {
      const value: unknown = raw.trim() === '' ? [] : JSON.parse(raw);
      const rules = Array.isArray(value) ? value : (value as { rules?: unknown }).rules;
      sim.faults.set(validateRules(rules));
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    return { status: 204 };
  }
  if (call.method === 'POST' && rest[0] === 'connectors' && rest.length === 2) {
    const fields = await readFields(call.req, call.body);
    setConnectorState(
      sim,
      Number(rest[1]),
      str(fields.state) as ConnectorConfig['state'],
      str(fields.errorMessage),
    );
    return { status: 204 };
  }
  if (route === 'POST health') {
    setHealth(sim, (await readFields(call.req, call.body)) as Partial<HealthState>);
    return { status: 204 };
  }
  return text(404, `Unknown control endpoint ${route}.`);
}
