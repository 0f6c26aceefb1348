// Instance health (/health) and the Connector Health API (ProGet 5.2 to 2023; removed in 2024).

import type { CallOptions, HealthApi } from '../client-api.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { ConnectorHealth, ConnectorHealthReport, ConnectorState, InstanceHealth } from '../types.js';
import { isHtml } from './server.js';
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

/**
 * The plain-text health answer (ProGet 2026 without JSON, an unlicensed server): `OK` is healthy, anything
 * else is the problem, placed where it belongs (a licence error under licence status).
 */
export function healthFromText(status: number, raw: string, html = false): InstanceHealth {
  const text = raw.trim();
  if (status >= 200 && status < 300 && /^(ok|healthy)$/i.test(text)) return { healthy: true };
  if (html) {
    return {
      healthy: false,
      serviceStatus: 'Error',
      serviceStatusDetail: `HTTP ${status}: the server answered with an HTML page, not ProGet's health report`,
    };
  }
  const detail = text.replace(/^error:\s*/i, '').slice(0, 500) || `HTTP ${status} with an empty body`;
  if (/licen[sc]e/i.test(text))
    return { healthy: false, licenseStatus: 'Error', licenseStatusDetail: detail };
  if (/database/i.test(text))
    return { healthy: false, databaseStatus: 'Error', databaseStatusDetails: detail };
  return {
    healthy: false,
    serviceStatus: 'Error',
    serviceStatusDetail:
      status >= 200 && status < 300 ? `unexpected health response: ${detail}` : `HTTP ${status}: ${detail}`,
  };
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

  /**
   * Asks `/health?format=json`; on an answer that is not the health JSON (ProGet 2026 may answer plain text)
   * tries `/health/json`, and failing that reads the first answer's text: `OK`, or the error it names.
   */
  async instance(options?: CallOptions): Promise<InstanceHealth> {
    const first = await this.fetchHealth('/health', { format: 'json' }, options);
    if (first.health) return first.health;
    const second = await this.fetchHealth('/health/json', undefined, options, [404]).catch(() => undefined);
    if (second?.health) return second.health;
    return healthFromText(first.status, first.text, first.html);
  }

  private fetchHealth(
    path: string,
    query: Record<string, string> | undefined,
    options: CallOptions | undefined,
    extraPass: number[] = [],
  ): Promise<{ status: number; text: string; html: boolean; health?: InstanceHealth }> {
    return this.transport.request(
      {
        method: 'GET',
        path,
        query,
        signal: options?.signal,
        // Since 2024 an unhealthy instance answers 500 with the same JSON: a result, not a failure.
        passStatuses: [500, 503, ...extraPass],
        operation: 'read instance health',
      },
      async (r) => {
        const text = await r.readText();
        const html = isHtml(r.headers, text);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const health =
          isObject(parsed) && r.status !== 404 ? parseInstanceHealth(parsed, r.status) : undefined;
        return { status: r.status, text, html, health };
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
