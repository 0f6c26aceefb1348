// ProGetClient: one transport shared by the area modules that implement the client surface.

import { AssetsArea } from './areas/assets.js';
import { DeploymentsArea } from './areas/deployments.js';
import { FeedsArea } from './areas/feeds.js';
import { HealthArea } from './areas/health.js';
import { NativeArea } from './areas/native.js';
import { PackagesArea } from './areas/packages.js';
import { PromotionsArea } from './areas/promotions.js';
import { ScaArea } from './areas/sca/index.js';
import { describeServer } from './areas/server.js';
import { UniversalArea } from './areas/universal.js';
import type { CallOptions, ProGetClientApi, ProGetClientOptions } from './client-api.js';
import { ValidationError } from './errors.js';
import { SecretScrubber } from './redact.js';
import { loadTlsSettings } from './transport/tls.js';
import { Transport } from './transport/transport.js';
import { normalizeBaseUrl } from './transport/urls.js';
import type { PackageId, ServerDescription, ServerInfo } from './types.js';
import { PROGET_CI_VERSION } from './version.js';

export const DEFAULTS = {
  timeoutMs: 30_000,
  transferTimeoutMs: 10 * 60_000,
  overallTimeoutMs: 5 * 60_000,
  retries: 3,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  maxRedirects: 5,
} as const;

export class ProGetClient implements ProGetClientApi {
  readonly baseUrl: string;
  readonly feeds: FeedsArea;
  readonly universal: UniversalArea;
  readonly packages: PackagesArea;
  readonly promotions: PromotionsArea;
  readonly deployments: DeploymentsArea;
  readonly health: HealthArea;
  readonly native: NativeArea;
  readonly sca: ScaArea;
  readonly assets: AssetsArea;
  private readonly transport: Transport;

  constructor(options: ProGetClientOptions) {
    let base: ReturnType<typeof normalizeBaseUrl>;
    try {
      base = normalizeBaseUrl(options.url);
    } catch (e) {
      throw new ValidationError('ProGet URL', [(e as Error).message]);
    }
    const problems = numericProblems(options);
    if (problems.length) throw new ValidationError('ProGet client options', problems);

    const username = options.username ?? base.username;
    const password = options.password ?? base.password;
    if ((username === undefined) !== (password === undefined)) {
      throw new ValidationError('ProGet credentials', [
        'give both username and password (or an API key), not just one of them',
      ]);
    }
    const authHeaders: Record<string, string> = {};
    if (username !== undefined && password !== undefined) {
      authHeaders.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
      // Some endpoints ignore Authorization; ProGet accepts user:password where a key goes.
      authHeaders['x-apikey'] = `${username}:${password}`;
    }
    if (options.apiKey) authHeaders['x-apikey'] = options.apiKey;

    const scrubber = new SecretScrubber([
      options.apiKey,
      password,
      username !== undefined && password !== undefined ? `${username}:${password}` : undefined,
    ]);

    this.baseUrl = base.baseUrl;
    this.transport = new Transport({
      baseUrl: base.baseUrl,
      origin: base.origin,
      authHeaders,
      scrubber,
      userAgent: options.userAgent ?? `proget-ci/${PROGET_CI_VERSION}`,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      transferTimeoutMs: options.transferTimeoutMs ?? DEFAULTS.transferTimeoutMs,
      overallTimeoutMs: options.overallTimeoutMs ?? DEFAULTS.overallTimeoutMs,
      overallAppliesToTransfers: options.overallTimeoutMs !== undefined,
      retries: options.retries ?? DEFAULTS.retries,
      retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
      maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
      maxJsonBytes: options.maxJsonBytes,
      tls: loadTlsSettings(options.caCertPath, options.insecureTls, options.logger),
      signal: options.signal,
      logger: options.logger,
      nodeHttpTransfers: options.nodeHttpTransfers === true,
    });
    this.native = new NativeArea(this.transport);
    this.feeds = new FeedsArea(this.transport, this.native, base.baseUrl);
    this.universal = new UniversalArea(this.transport, this.feeds);
    this.packages = new PackagesArea(this.transport, this.feeds);
    this.promotions = new PromotionsArea(this.transport);
    this.deployments = new DeploymentsArea(this.transport);
    this.health = new HealthArea(this.transport);
    this.sca = new ScaArea(this.transport);
    this.assets = new AssetsArea(this.transport);
  }

  get serverInfo(): ServerInfo {
    return { ...this.transport.serverInfo };
  }

  get server(): ServerDescription {
    return describeServer(this.transport.serverInfo);
  }

  /**
   * `latest` (prereleases included), `latest-stable`, or an exact version (returned unchanged), resolved
   * from the universal feed's version list. The result is what to send: never `latest` itself.
   */
  resolveVersion(feed: string, id: PackageId, version: string, options?: CallOptions): Promise<string> {
    return this.universal.resolveVersion(feed, { ...id, version }, options);
  }
}

function numericProblems(options: ProGetClientOptions): string[] {
  const problems: string[] = [];
  const positive = ['timeoutMs', 'transferTimeoutMs', 'overallTimeoutMs'] as const;
  const nonNegative = [
    'retries',
    'retryBaseDelayMs',
    'retryMaxDelayMs',
    'maxRedirects',
    'maxJsonBytes',
  ] as const;
  for (const name of positive) {
    const v = options[name];
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      problems.push(`${name} must be a positive number of ms`);
  }
  for (const name of nonNegative) {
    const v = options[name];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) problems.push(`${name} must be zero or more`);
  }
  return problems;
}
