// Runs the checks against one server: a doctor pass first (so a wrong URL, key or feed is one clear
// line, not forty failures), then the read checks, then with `write` the write checks and, whatever
// happened, the cleanup of everything this run stored.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DoctorReport, doctor, isProGetError, ProGetClient, parseProGetVersion } from '@proget-ci/core';
import { readChecks } from './read-checks.js';
import { type Recorder, startRecorder, TRANSCRIPT_FORMAT, type Transcript } from './recorder.js';
import {
  type Check,
  type CheckContext,
  type CheckResult,
  type ConformanceOptions,
  type ConformanceSummary,
  Skip,
} from './types.js';
import { PACKAGE_NAME, writeChecks } from './write-checks.js';

export const GROUP_PREFIX = 'proget-ci-conformance';

/** The run could not start: one line saying why (no check ran, nothing was written). */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

export const allChecks = (write: boolean): Check[] => (write ? [...readChecks, ...writeChecks] : readChecks);

export async function runConformance(options: ConformanceOptions): Promise<ConformanceSummary> {
  const out = options.out ?? (() => {});
  const runId = options.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  if (!/^[0-9A-Za-z._-]{1,60}$/.test(runId))
    throw new SetupError(`the run id "${runId}" may use only letters, digits, ".", "_" and "-"`);
  const group = `${GROUP_PREFIX}/${runId}`;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const report = await doctor({
    url: options.server,
    apiKey: options.apiKey,
    caCertPath: options.caCertPath,
    insecureTls: options.insecureTls,
    feeds: [options.feed, ...(options.targetFeed ? [options.targetFeed] : [])],
    timeoutMs,
  });
  assertUsable(report, options);

  const secrets = [options.apiKey];
  let recorder: Recorder | undefined;
  if (options.recordDir) {
    recorder = await startRecorder({
      upstream: report.server,
      tls: {
        rejectUnauthorized: !options.insecureTls,
        ca: options.caCertPath ? [await readCa(options.caCertPath)] : undefined,
      },
      secrets,
    });
  }
  const url = recorder?.url ?? report.server;
  const clientFor = (apiKey: string | undefined) =>
    new ProGetClient({
      url,
      apiKey,
      // The recorder speaks plain HTTP on 127.0.0.1; TLS settings apply to the direct connection only.
      caCertPath: recorder ? undefined : options.caCertPath,
      insecureTls: recorder ? undefined : options.insecureTls,
      timeoutMs,
      retries: 2,
      retryBaseDelayMs: 200,
      logger: { debug() {}, warn() {} },
    });
  const workDir = await mkdtemp(join(tmpdir(), 'proget-ci-conformance-'));
  const ctx: CheckContext = {
    client: clientFor(options.apiKey),
    anonymous: clientFor(undefined),
    bogus: clientFor(`proget-ci-conformance-no-such-key-${randomBytes(6).toString('hex')}`),
    feed: options.feed,
    targetFeed: options.targetFeed,
    edition: report.edition,
    version: report.version ?? parseProGetVersion(undefined),
    features: report.features,
    runId,
    group,
    workDir,
    state: new Map(),
    owned: [],
  };

  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    const mark = result.outcome === 'passed' ? 'PASS' : result.outcome === 'failed' ? 'FAIL' : 'SKIP';
    out(`${mark}  ${result.id}  ${result.title}${result.reason ? `: ${scrub(result.reason, secrets)}` : ''}`);
  };
  out(
    `proget-ci conformance: ${report.server}${report.version ? ` (ProGet ${report.version.display}${report.edition ? ` ${report.edition}` : ''})` : ''}, feed ${options.feed}${options.targetFeed ? ` → ${options.targetFeed}` : ''}${options.write ? `, writing in group ${group}` : ', read-only'}`,
  );
  // A disabled certificate check must not scroll by unnoticed.
  for (const f of report.findings.filter((x) => x.status === 'warn' && x.id.startsWith('tls')))
    out(`WARN  ${f.title}: ${f.detail} ${f.hint}`);
  let transcriptPath: string | undefined;
  try {
    for (const check of allChecks(Boolean(options.write))) {
      if (options.signal?.aborted) {
        record({ id: check.id, title: check.title, outcome: 'skipped', reason: 'interrupted' });
        continue;
      }
      await runOne(check, ctx, results, record);
    }
  } finally {
    if (options.write) await cleanup(ctx, record);
    await rm(workDir, { recursive: true, force: true });
    if (recorder && options.recordDir) {
      await recorder.close();
      transcriptPath = await saveTranscript(options.recordDir, recorder, ctx, Boolean(options.write));
    }
  }
  const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const summary: ConformanceSummary = {
    runId,
    group,
    results,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    transcriptPath,
  };
  if (transcriptPath) out(`transcript: ${transcriptPath}`);
  out(
    `${summary.passed} passed, ${summary.failed} failed${summary.skipped ? ` (${summary.skipped} skipped)` : ''}`,
  );
  return summary;
}

async function runOne(
  check: Check,
  ctx: CheckContext,
  results: CheckResult[],
  record: (r: CheckResult) => void,
): Promise<void> {
  const missing = (check.requires ?? []).filter(
    (id) => results.find((r) => r.id === id)?.outcome !== 'passed',
  );
  if (missing.length) {
    record({
      id: check.id,
      title: check.title,
      outcome: 'skipped',
      reason: `needs ${missing.join(', ')}, which did not pass`,
    });
    return;
  }
  try {
    await check.run(ctx);
    record({ id: check.id, title: check.title, outcome: 'passed' });
  } catch (e) {
    if (e instanceof Skip)
      record({ id: check.id, title: check.title, outcome: 'skipped', reason: e.message });
    else record({ id: check.id, title: check.title, outcome: 'failed', reason: reasonOf(e) });
  }
}

/** Deletes what this run stored (newest first), then checks that its group is empty in every feed used. */
async function cleanup(ctx: CheckContext, record: (r: CheckResult) => void): Promise<void> {
  const problems: string[] = [];
  for (const ref of [...ctx.owned].reverse()) {
    const id = { group: ref.group, name: ref.name, version: ref.version };
    try {
      if (await ctx.client.universal.getVersion(ref.feed, id))
        await ctx.client.universal.delete(ref.feed, id);
    } catch (e) {
      problems.push(`${ref.feed} ${ref.name} ${ref.version}: ${reasonOf(e)}`);
    }
  }
  record({
    id: 'cleanup',
    title: `every version this run stored is deleted (${ctx.owned.length} tracked)`,
    outcome: problems.length ? 'failed' : 'passed',
    reason: problems.length ? problems.join('; ') : undefined,
  });
  const left: string[] = [];
  for (const feed of new Set([ctx.feed, ...ctx.owned.map((o) => o.feed)])) {
    try {
      const versions = await ctx.client.universal.listVersions(feed, { group: ctx.group });
      for (const v of versions)
        if ((v.group ?? '') === ctx.group) left.push(`${feed}: ${v.name} ${v.version}`);
    } catch (e) {
      left.push(`${feed}: could not list (${reasonOf(e)})`);
    }
  }
  record({
    id: 'cleanup-verified',
    title: `the group ${ctx.group} is empty again`,
    outcome: left.length ? 'failed' : 'passed',
    reason: left.length
      ? `left behind: ${left.join(', ')} (delete them in ProGet, group ${ctx.group}, package ${PACKAGE_NAME})`
      : undefined,
  });
}

/** Findings that make a run pointless become one line; the rest the checks will report themselves. */
function assertUsable(report: DoctorReport, options: ConformanceOptions): void {
  const fatal = report.findings.find(
    (f) => f.status === 'fail' && f.id !== 'health' && !f.id.startsWith('feature.'),
  );
  if (fatal) throw new SetupError(`${fatal.title}: ${fatal.detail}${fatal.hint ? ` ${fatal.hint}` : ''}`);
  for (const name of [options.feed, options.targetFeed]) {
    if (!name) continue;
    const feed = report.feeds.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!feed) throw new SetupError(`Feed "${name}" could not be examined.`);
    if (feed.feedType !== 'universal')
      throw new SetupError(
        `Feed "${name}" is a ${feed.feedType || 'non-universal'} feed: the conformance suite needs a universal feed.`,
      );
    if (!feed.active) throw new SetupError(`Feed "${name}" is inactive: activate it or name another feed.`);
  }
}

async function saveTranscript(
  dir: string,
  recorder: Recorder,
  ctx: CheckContext,
  write: boolean,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const transcript: Transcript = {
    format: TRANSCRIPT_FORMAT,
    recordedAt: new Date().toISOString(),
    runId: ctx.runId,
    write,
    serverInfo: ctx.client.serverInfo,
    bodyLimit: 4096,
    exchanges: [...recorder.exchanges].sort((a, b) => a.seq - b.seq),
  };
  const path = join(dir, `conformance-${ctx.runId}.json`);
  await writeFile(path, `${JSON.stringify(transcript, null, 2)}\n`);
  return path;
}

async function readCa(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8');
}

function reasonOf(e: unknown): string {
  if (isProGetError(e)) return e.summary;
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!;
}

function scrub(text: string, secrets: (string | undefined)[]): string {
  return secrets.reduce<string>((t, s) => (s && s.length >= 3 ? t.split(s).join('***') : t), text);
}
