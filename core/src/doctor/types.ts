// What `doctor()` reports: findings a person can act on, and the facts they were drawn from.

export type FindingStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Finding {
  /** Stable identifier, e.g. `tls`, `version`, `feature.promotions`, `feed.dev-feed`. */
  id: string;
  status: FindingStatus;
  title: string;
  detail: string;
  /** What to do about it; empty when there is nothing to do. */
  hint: string;
}

export type TlsVerdict = 'ok' | 'not-https' | 'self-signed' | 'untrusted' | 'wrong-host' | 'expired';

export type FeatureName = 'connector-health' | 'promotions' | 'packages-api' | 'native-api' | 'sca';

export type FeatureSupport = 'supported' | 'not-supported' | 'unknown';

export interface FeedAccess {
  name: string;
  feedType: string;
  active: boolean;
  /** What the key may do on this feed, as far as reading can tell. */
  view: boolean;
  /** Learned only where possible without writing; `undefined` = unknown. */
  download?: boolean;
}

export interface DoctorReport {
  server: string;
  /** True when no finding failed. */
  ok: boolean;
  reachable: boolean;
  tls: TlsVerdict | undefined;
  isProGet: boolean;
  /** `X-ProGet-Version` as sent (e.g. `26.0.12.24`) and as people write it (`2026.12`). */
  version?: { raw: string; display: string; major: number };
  /** As sent, may be lowercase; `undefined` when the server did not say. */
  edition?: string;
  licensed?: boolean;
  features: Partial<Record<FeatureName, FeatureSupport>>;
  feeds: FeedAccess[];
  findings: Finding[];
}

export interface DoctorOptions {
  url: string;
  apiKey?: string;
  caCertPath?: string;
  insecureTls?: boolean;
  /** Feeds to look at closely (existence, type, activity, access); default: the ones the key can see. */
  feeds?: string[];
  /** Per-request timeout; default 10 s (doctor must answer quickly). */
  timeoutMs?: number;
  signal?: AbortSignal;
}
