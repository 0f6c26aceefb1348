// Instance health (/health) and the Connector Health API (ProGet 5.2 to 2023; removed in 2024).

import type { CallOptions, HealthApi } from '../client-api.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { ConnectorHealth, ConnectorHealthReport, ConnectorState, InstanceHealth } from '../types.js';
import { arrayOf, isObject, objectOf, optNum, str, utcDate } from './wire.js';

export const CONNECTOR_HEALTH_REMOVED =
  'connector health is not reported by this ProGet version (removed in ProGet 2024)';

export function parseInstanceHealth(value: unknown, status: number): InstanceHealth {
  const o = objectOf(value, 'the health report');
  const health: InstanceHealth = {
    healthy: false,
    applicationName: str(o.applicationName),
    releaseNumber: str(o.releaseNumber),
    versionNumber: str(o.versionNumber),
    databaseStatus: str(o.databaseStatus),
    databaseStatusDetails: str(o.databaseStatusDetails),
    licenseStatus: str(o.licenseStatus),
    licenseStatusDetail: str(o.licenseStatusDetail),
    serviceStatus: str(o.serviceStatus),
    serviceStatusDetail: str(o.serviceStatusDetail),
    replicationStatus: o.replicationStatus,
    extensionsInstalled: o.extensionsInstalled,
  };
  const statuses = [health.databaseStatus, health.licenseStatus, health.serviceStatus];
  health.healthy =
    status >= 200 && status < 300 && statuses.every((s) => s === undefined || s.toUpperCase() === 'OK');
  return health;
}

export function parseConnectorHealth(value: unknown): ConnectorHealth {
  const o = objectOf(value, 'a connector health entry');
  return {
    id: optNum(o.id),
    name: str(o.name) ?? '',
    url: str(o.url),
    state: connectorState(str(o.state)),
    // The doc page's own example misspells it.
    errorMessage: str(o.errorMessage) ?? str(o.erroMessage) ?? undefined,
    lastChecked: utcDate(o.lastChecked),
  };
}

function connectorState(state: string | undefined): ConnectorState {
  switch (state?.toLowerCase()) {
    case 'healthy':
      return 'healthy';
    case 'error':
    case 'unhealthy':
    case 'failed':
      return 'error';
    default:
      return 'unknown';
  }
}

export class HealthArea implements HealthApi {
  constructor(private readonly transport: Transport) {}

  async instance(options?: CallOptions): Promise<InstanceHealth> {
    return this.transport.request(
      {
        method: 'GET',
        path: '/health',
        // Without format=json ProGet 2026 answers plain text.
        query: { format: 'json' },
        signal: options?.signal,
        // Since 2024 an unhealthy instance answers 500 with the same JSON: a result, not a failure.
        passStatuses: [500, 503],
        operation: 'read instance health',
      },
      async (r) => {
        if (r.status >= 500) {
          const text = await r.readText();
          try {
            const parsed: unknown = JSON.parse(text);
            if (isObject(parsed)) return parseInstanceHealth(parsed, r.status);
          } catch {
            // not the health JSON: a real server failure, reported below
          }
          return {
            healthy: false,
            serviceStatus: 'Error',
            serviceStatusDetail: `HTTP ${r.status}: ${text.slice(0, 500)}`,
          };
        }
        const text = (await r.readText()).trim();
        // Servers that ignore format=json say just OK.
        if (/^(ok|healthy)$/i.test(text)) return { healthy: true };
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return {
            healthy: false,
            serviceStatus: 'Error',
            serviceStatusDetail: `unexpected health response: ${text.slice(0, 200)}`,
          };
        }
        return parseInstanceHealth(parsed, r.status);
      },
    );
  }

  async connectors(options?: CallOptions): Promise<ConnectorHealthReport> {
    return this.transport.request(
      {
        method: 'GET',
        path: joinPath('api', 'connector-health'),
        signal: options?.signal,
        passStatuses: [404],
        operation: 'read connector health',
        privilege: 'Feeds_Manage (Manage Feeds)',
      },
      async (r): Promise<ConnectorHealthReport> => {
        if (r.status === 404) return { supported: false, reason: CONNECTOR_HEALTH_REMOVED };
        const json = await r.readJson();
        return {
          supported: true,
          connectors: arrayOf(json, 'the connector health list').map(parseConnectorHealth),
        };
      },
    );
  }

  async connector(id: number, options?: CallOptions): Promise<ConnectorHealth> {
    return this.transport.json(
      {
        method: 'GET',
        path: joinPath('api', 'connector-health', String(id)),
        signal: options?.signal,
        operation: `read health of connector ${id}`,
        privilege: 'Feeds_Manage (Manage Feeds)',
        notFoundHint: `Connector ${id} was not found, or ${CONNECTOR_HEALTH_REMOVED}.`,
      },
      (json) => parseConnectorHealth(json),
    );
  }
}
