// One health check of one server through core: connector health where the server reports it, otherwise
// (ProGet 2024+) the instance health, with the reason connector health is missing.

import type { ConnectorHealth, InstanceHealth, ProGetClientApi } from '@proget-ci/core';
import { errorSummary, isProGetError } from '@proget-ci/core';

export type ServerHealth =
  | { kind: 'connectors'; connectors: ConnectorHealth[]; checkedAt: number; version?: string }
  | { kind: 'instance'; instance: InstanceHealth; reason: string; checkedAt: number; version?: string }
  | { kind: 'denied'; message: string; checkedAt: number }
  /** The server answered, but with an error (a 500 from the health endpoint): reachable, not healthy. */
  | { kind: 'error'; status?: number; message: string; checkedAt: number }
  /** No answer at all: connection refused, DNS, TLS, timeout. */
  | { kind: 'unreachable'; message: string; checkedAt: number };

/**
 * Never throws: every outcome is a value. Unreachable (no answer), answered with an error and unhealthy
 * (an answer that says so) are three different outcomes; the first two count as failed checks for backoff.
 */
export async function checkServerHealth(
  client: ProGetClientApi,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<ServerHealth> {
  try {
    const report = await client.health.connectors({ signal });
    if (report.supported) {
      return {
        kind: 'connectors',
        connectors: report.connectors,
        checkedAt: now(),
        version: client.serverInfo.version,
      };
    }
    const instance = await client.health.instance({ signal });
    return {
      kind: 'instance',
      instance,
      reason: report.reason,
      checkedAt: now(),
      version: instance.versionNumber ?? instance.releaseNumber ?? client.serverInfo.version,
    };
  } catch (error) {
    if (isProGetError(error, 'unauthorized') || isProGetError(error, 'forbidden')) {
      return { kind: 'denied', message: shortMessage(error), checkedAt: now() };
    }
    if (isProGetError(error) && error.kind !== 'network' && error.kind !== 'timeout') {
      return { kind: 'error', status: error.status, message: shortMessage(error), checkedAt: now() };
    }
    return { kind: 'unreachable', message: shortMessage(error), checkedAt: now() };
  }
}

/**
 * The first line of an error without core's "(GET url → status)" suffix, which the status bar has no room
 * for. ProGetError messages are already redacted by core.
 */
export function shortMessage(error: unknown): string {
  return errorSummary(error).replace(/\s+\((?:GET|HEAD|POST|PUT|DELETE|PATCH) [^)]*\)\s*$/, '');
}
