// The conformance suite's vocabulary: a check, what it may use, and what it reports.

import type { DoctorReport, ProGetClient, ProGetVersion } from '@proget-ci/core';

export interface ConformanceOptions {
  server: string;
  apiKey?: string;
  feed: string;
  targetFeed?: string;
  write?: boolean;
  /** Directory for a redacted transcript of every request the checks made. */
  recordDir?: string;
  caCertPath?: string;
  insecureTls?: boolean;
  /** Names the package group `proget-ci-conformance/<runId>`; default: time and random letters. */
  runId?: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Stops starting new checks (the cleanup still runs), e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** One line per check and the closing count. */
  out?: (line: string) => void;
}

export type CheckOutcome = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  id: string;
  title: string;
  outcome: CheckOutcome;
  /** Why it failed or was skipped. */
  reason?: string;
}

export interface ConformanceSummary {
  runId: string;
  group: string;
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** Where the transcript was written, with `recordDir`. */
  transcriptPath?: string;
}

/** Thrown by a check that cannot run on this server (edition, version, missing option). */
export class Skip extends Error {
  override readonly name = 'Skip';
}

export interface PackageRef {
  feed: string;
  group: string;
  name: string;
  version: string;
}

export interface CheckContext {
  /** The client with the user's key (through the recorder when recording). */
  client: ProGetClient;
  /** The same server without any key, and with a key that cannot exist. */
  anonymous: ProGetClient;
  bogus: ProGetClient;
  feed: string;
  targetFeed?: string;
  edition?: string;
  version?: ProGetVersion;
  features: DoctorReport['features'];
  runId: string;
  /** `proget-ci-conformance/<runId>`: every package written lives here. */
  group: string;
  /** Temp directory of this run, removed at the end. */
  workDir: string;
  /** Facts one check leaves for later ones (built packages, hashes). */
  state: Map<string, unknown>;
  /** Versions this run stored; cleanup deletes whatever of them is still there. */
  owned: PackageRef[];
}

export interface Check {
  id: string;
  title: string;
  /** Ids of checks that must have passed first; otherwise this one is skipped. */
  requires?: string[];
  run(ctx: CheckContext): Promise<void>;
}
