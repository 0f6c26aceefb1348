// Deployment records: POST /api/package-deployment/ with PascalCase fields; never resent once sent, except
// after a refusal that names its wait (429/503 with Retry-After).

import type { CallOptions, DeploymentsApi } from '../client-api.js';
import { ValidationError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { DeploymentRecord } from '../types.js';
import { describePackage } from '../upack/describe.js';

/** The wire body, PascalCase as the Package Deployment API documents it. */
export function deploymentBody(record: DeploymentRecord): Record<string, string | undefined> {
  const date = record.date instanceof Date ? record.date.toISOString() : record.date;
  return {
    Application: record.application,
    Description: record.description,
    Target: record.target,
    FeedName: record.feed,
    PackageName: record.name,
    Version: record.version,
    GroupName: record.group || undefined,
    UserName: record.user,
    Url: record.url,
    Date: date,
  };
}

export class DeploymentsArea implements DeploymentsApi {
  constructor(private readonly transport: Transport) {}

  async record(record: DeploymentRecord, options?: CallOptions): Promise<void> {
    const missing = (['application', 'description', 'target', 'feed', 'name', 'version'] as const).filter(
      (field) => !record[field]?.trim(),
    );
    if (missing.length) {
      throw new ValidationError(
        'Deployment record',
        missing.map((field) => `${field} is required`),
      );
    }
    await this.transport.send({
      method: 'POST',
      path: `${joinPath('api', 'package-deployment')}/`,
      body: { type: 'json', value: deploymentBody(record) },
      accept: '*/*',
      idempotent: false,
      // A 429/503 with Retry-After is a refusal before the record is handled: sending it again is safe.
      resendWhenRefused: true,
      signal: options?.signal,
      operation: `record deployment of ${describePackage(record)} to "${record.target}"`,
      privilege: `Feeds_DownloadPackage on feed "${record.feed}"`,
      notFoundHint: `Feed "${record.feed}" was not found (or the server is older than ProGet 5.2.26).`,
    });
  }
}
