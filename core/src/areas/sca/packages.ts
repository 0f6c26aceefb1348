// client.sca.packages: metadata (compliance), audit, status (sca-api-notes §5).

import type { CallOptions } from '../../client-api.js';
import { ValidationError } from '../../errors.js';
import type { Transport } from '../../transport/transport.js';
import { joinPath, type QueryParams } from '../../transport/urls.js';
import type { ScaPackagesApi } from './api.js';
import { scaJson, scaRequest, scaSend } from './calls.js';
import { required } from './shared.js';
import type { PackageAudit, PackageCompliance, PackageSelector, PackageStatusChange } from './types.js';
import { parsePackageAudit, parsePackageMetadata } from './wire.js';

function selectorQuery(pkg: PackageSelector): QueryParams {
  if ('purl' in pkg) return { purl: pkg.purl };
  return {
    name: pkg.name,
    version: pkg.version,
    group: pkg.group || undefined,
    qualifier: pkg.qualifier || undefined,
  };
}

function describeSelector(pkg: PackageSelector): string {
  if ('purl' in pkg) return pkg.purl;
  return `${pkg.group ? `${pkg.group}/` : ''}${pkg.name} ${pkg.version}`;
}

function checkSelector(subject: string, pkg: PackageSelector, feed: string): void {
  if ('purl' in pkg) {
    required(subject, { feed, purl: pkg.purl });
    if (!pkg.purl.startsWith('pkg:'))
      throw new ValidationError(subject, [`"${pkg.purl}" is not a purl (pkg:type/name@version)`]);
  } else required(subject, { feed, name: pkg.name, version: pkg.version });
}

const FEED_VIEW = (feed: string) => `Feeds_ViewFeed (View/Download) on feed "${feed}"`;

export class ScaPackagesArea implements ScaPackagesApi {
  constructor(private readonly transport: Transport) {}

  async metadata(
    feed: string,
    pkg: PackageSelector,
    options?: CallOptions,
  ): Promise<PackageCompliance | undefined> {
    checkSelector('Package metadata', pkg, feed);
    return scaRequest(
      this.transport,
      {
        method: 'GET',
        path: joinPath('api', 'packages', feed, 'metadata'),
        query: selectorQuery(pkg),
        passStatuses: [404],
        // Metadata answers on ProGet Free too (without compliance): a refusal there is not the edition.
        paidFeature: undefined,
        signal: options?.signal,
        operation: `read the metadata of ${describeSelector(pkg)} in feed "${feed}"`,
        privilege: FEED_VIEW(feed),
      },
      async (r) => {
        if (r.status === 404) {
          await r.readText();
          return undefined;
        }
        return parsePackageMetadata(await r.readJson());
      },
    );
  }

  async audit(feed: string, pkg: PackageSelector, options?: CallOptions): Promise<PackageAudit> {
    checkSelector('Package audit', pkg, feed);
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'packages', feed, 'audit'),
        query: selectorQuery(pkg),
        signal: options?.signal,
        operation: `audit ${describeSelector(pkg)} in feed "${feed}"`,
        privilege: FEED_VIEW(feed),
        notFoundHint: `Package audits need ProGet 2023 or later; check that feed "${feed}" holds ${describeSelector(pkg)}.`,
      },
      parsePackageAudit,
    );
  }

  async setStatus(
    feed: string,
    pkg: PackageSelector,
    change: PackageStatusChange,
    options?: CallOptions,
  ): Promise<void> {
    checkSelector('Package status', pkg, feed);
    const value: Record<string, unknown> = {};
    for (const k of ['listed', 'allow', 'deprecated', 'deprecationReason'] as const) {
      // `allow: null` is sent: it is how the download override is reset.
      if (change[k] !== undefined) value[k] = change[k];
    }
    if (Object.keys(value).length === 0) throw new ValidationError('Package status', ['nothing to change']);
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'packages', feed, 'status'),
      query: selectorQuery(pkg),
      body: { type: 'json', value },
      idempotent: true,
      paidFeature: undefined,
      signal: options?.signal,
      operation: `set the status of ${describeSelector(pkg)} in feed "${feed}"`,
      privilege: `Feeds_UnlistPackage or feed management on feed "${feed}"`,
      notFoundHint: `Setting package status needs ProGet 2023.18 or later; check that feed "${feed}" holds ${describeSelector(pkg)}.`,
    });
  }
}
