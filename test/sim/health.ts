// /health (instance health, all versions) and /api/connector-health (ProGet 2023 and older only).

import type { Call, Sim } from './context.js';
import { HttpError, json, type SimResponse, text } from './http.js';
import { connectorHealthView } from './views.js';

export function health(sim: Sim, call: Call): SimResponse {
  const h = sim.health;
  const mode = sim.behaviour.versionMode;
  const unhealthy = [h.databaseStatus, h.licenseStatus, h.serviceStatus].includes('Error');
  const wantsJson = (call.query.get('format') ?? '').toLowerCase() === 'json';
  const status = unhealthy && mode !== '2023' ? 500 : 200;
  if (mode === '2026' && !wantsJson && !unhealthy) return text(200, 'OK');
  const { version, release } = sim.productVersion;
  return json(status, {
    applicationName: 'ProGet',
    releaseNumber: release,
    versionNumber: version,
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
