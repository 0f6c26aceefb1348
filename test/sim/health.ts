// /health (instance health, all versions) and /api/connector-health (ProGet 2023 and older only).

import type { Call, HealthState, Sim } from './context.js';
import { HttpError, json, type SimResponse, text } from './http.js';
import { connectorHealthView } from './views.js';

export const UNLICENSED_HEALTH_TEXT = 'ERROR: Product license is not valid';

/** The first problem /health reports, as ProGet 2026's plain-text answer says it. */
function problemText(h: HealthState): string | undefined {
  if (h.databaseStatus === 'Error') return `ERROR: ${h.databaseStatusDetails ?? 'Database error'}`;
  if (h.licenseStatus === 'Error') return `ERROR: ${h.licenseStatusDetail ?? 'Product license is not valid'}`;
  if (h.serviceStatus === 'Error') return `ERROR: ${h.serviceStatusDetail ?? 'Service error'}`;
  return undefined;
}

/**
 * `/health` and, from ProGet 2026, `/health/json` (api-notes §6). 2026's plain `/health` is a short text
 * (`OK`, or the error with 500); `?format=json` and `/health/json` give the JSON.
 */
export function health(sim: Sim, call: Call, sub?: string): SimResponse {
  const mode = sim.behaviour.versionMode;
  if (sub !== undefined && !(sub === 'json' && mode === '2026')) return text(404, 'Not Found');
  if (sim.behaviour.unlicensed) return text(500, UNLICENSED_HEALTH_TEXT);
  const h = sim.health;
  const unhealthy = [h.databaseStatus, h.licenseStatus, h.serviceStatus].includes('Error');
  const wantsJson = sub === 'json' || (call.query.get('format') ?? '').toLowerCase() === 'json';
  const status = unhealthy && mode !== '2023' ? 500 : 200;
  if (mode === '2026' && !wantsJson) return text(status, problemText(h) ?? 'OK');
  const { versionNumber, release } = sim.productVersion;
  return json(status, {
    applicationName: 'ProGet',
    releaseNumber: release,
    versionNumber,
    extensionsInstalled:
      mode === '2023' ? ['InedoCore', 'ProGetCoreEx'] : { InedoCore: '3.0.0', ProGetCoreEx: '3.0.0' },
    databaseStatus: h.databaseStatus,
    databaseStatusDetails: h.databaseStatusDetails,
    licenseStatus: h.licenseStatus,
    licenseStatusDetail: h.licenseStatusDetail,
    serviceStatus: h.serviceStatus,
    serviceStatusDetail: h.serviceStatusDetail,
    replicationStatus: mode === '2023' ? null : { serverStatus: 'Disabled', clientStatus: 'Disabled' },
  });
}

export function connectorHealth(sim: Sim, call: Call, id: string | undefined): SimResponse {
  if (sim.behaviour.versionMode !== '2023') return text(404, 'Not Found');
  if (call.method !== 'GET' && call.method !== 'HEAD')
    throw new HttpError(405, 'Use GET.', { Allow: 'GET, HEAD' });
  sim.authorize(call.who(), 'Feeds_Manage');
  const view = (c: (typeof sim.connectors)[number]) =>
    connectorHealthView(c, sim.behaviour.legacyConnectorHealth);
  if (id === undefined) return json(200, sim.connectors.map(view));
  const c = sim.connectors.find((x) => String(x.id) === id);
  if (!c) throw new HttpError(404, `Connector ${id} was not found.`);
  return json(200, view(c));
}
