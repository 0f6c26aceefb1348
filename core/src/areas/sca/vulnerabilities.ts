// client.sca.vulnerabilities: audit packages, assess (sca-api-notes §4).

import type { CallOptions } from '../../client-api.js';
import { ValidationError } from '../../errors.js';
import type { Transport } from '../../transport/transport.js';
import { joinPath } from '../../transport/urls.js';
import type { ScaVulnerabilitiesApi } from './api.js';
import { scaJson, scaSend } from './calls.js';
import { MANAGE, required } from './shared.js';
import type { AssessRequest, ScaPackageRef, Vulnerability } from './types.js';
import { parseVulnerabilities } from './wire.js';

export class ScaVulnerabilitiesArea implements ScaVulnerabilitiesApi {
  constructor(private readonly transport: Transport) {}

  async audit(packages: readonly ScaPackageRef[], options?: CallOptions): Promise<Vulnerability[]> {
    const problems: string[] = [];
    packages.forEach((p, i) => {
      for (const field of ['type', 'name', 'version'] as const) {
        if (!p[field]?.trim()) problems.push(`package ${i + 1}: ${field} is required`);
      }
    });
    if (problems.length) throw new ValidationError('Vulnerability audit', problems);
    if (packages.length === 0) return [];
    const body = packages.map((p) => ({
      type: p.type,
      name: p.name,
      version: p.version,
      group: p.group || undefined,
    }));
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'audit-package-vulns'),
        body: { type: 'json', value: body },
        signal: options?.signal,
        operation: `audit ${packages.length} package${packages.length === 1 ? '' : 's'} for vulnerabilities`,
        privilege: MANAGE,
        notFoundHint: 'The vulnerability audit API needs ProGet 2023 or later.',
      },
      (json) => parseVulnerabilities(json, packages),
    );
  }

  async assess(request: AssessRequest, options?: CallOptions): Promise<void> {
    required('Vulnerability assessment', { id: request.id, type: request.type });
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'assess'),
      query: {
        id: request.id,
        type: request.type,
        // pgutil leaves out a blank comment and an empty policy.
        comment: request.comment?.trim() ? request.comment : undefined,
        policy: request.policy || undefined,
      },
      signal: options?.signal,
      operation: `assess vulnerability ${request.id} as "${request.type}"`,
      privilege: MANAGE,
    });
  }
}
