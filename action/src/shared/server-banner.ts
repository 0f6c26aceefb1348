// One banner line per step (`ProGet <url> · 2026.12 · Enterprise`), read from the headers of the first
// response the step's own requests get (no extra request), and on a failure that the server or the key
// explains, the doctor finding that says why (doctor() runs only then, bounded by a short timeout).

import {
  type DoctorReport,
  doctor,
  type Finding,
  isProGetError,
  type ProGetClientApi,
  parseProGetVersion,
} from '@proget-ci/core';
import type { ConnectionInputs } from './connection-inputs.js';
import type { StepLogger } from './io.js';

/** Per request; the whole diagnosis is bounded by DIAGNOSIS_TIMEOUT_MS. */
const DOCTOR_REQUEST_TIMEOUT_MS = 5_000;
const DIAGNOSIS_TIMEOUT_MS = 15_000;

/** The failures a look at the server can explain: it is unreachable, not ProGet, or refuses the key. */
const EXPLAINABLE = new Set([
  'network',
  'timeout',
  'unauthorized',
  'forbidden',
  'not-found',
  'invalid-response',
]);

export type RunDoctor = typeof doctor;

export function bannerLine(client: Pick<ProGetClientApi, 'baseUrl' | 'serverInfo' | 'server'>): string {
  const info = client.serverInfo;
  const version = parseProGetVersion(info.version)?.display ?? info.version ?? 'version not reported';
  const edition = client.server.edition ?? info.edition ?? 'edition not reported';
  return `ProGet ${client.baseUrl} · ${version} · ${edition}`;
}

export class ServerBanner {
  private client?: ProGetClientApi;
  private connection?: ConnectionInputs;
  private shown = false;

  constructor(
    private readonly logger: StepLogger,
    private readonly runDoctor: RunDoctor = doctor,
  ) {}

  /** The client whose responses the banner is read from (the step's first client). */
  watch(client: ProGetClientApi, connection: ConnectionInputs): void {
    if (this.client) return;
    this.client = client;
    this.connection = connection;
  }

  /**
   * Called after every transport log line: the transport stores a response's X-ProGet-* headers before it
   * logs that response, so the first call that finds them is right after the first answer.
   */
  afterLog(): void {
    if (this.shown || !this.client) return;
    const info = this.client.serverInfo;
    if (info.version === undefined && info.edition === undefined) return;
    this.show();
  }

  /** Logs the banner if no response carried the headers yet (a server behind a stripping proxy). */
  show(): void {
    if (this.shown || !this.client) return;
    this.shown = true;
    this.logger.info(bannerLine(this.client));
  }

  /**
   * The doctor finding that explains `error`, as one line, or undefined when the error is not about the
   * server, its URL, the key or a missing feed, or when doctor finds nothing wrong.
   */
  async explain(error: unknown, feeds: string[] = []): Promise<string | undefined> {
    const connection = this.connection;
    if (!connection || !isProGetError(error) || !EXPLAINABLE.has(error.kind)) return undefined;
    this.show();
    let report: DoctorReport;
    try {
      report = await this.runDoctor({
        url: connection.server,
        apiKey: connection.apiKey,
        caCertPath: connection.caCertPath,
        insecureTls: connection.insecureTls,
        feeds: feeds.length > 0 ? feeds : undefined,
        timeoutMs: DOCTOR_REQUEST_TIMEOUT_MS,
        signal: AbortSignal.timeout(DIAGNOSIS_TIMEOUT_MS),
      });
    } catch (e) {
      this.logger.debug(`server check not run: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const finding = explainingFinding(report);
    return finding ? describeFinding(finding, error.message) : undefined;
  }
}

/** The first failed finding (doctor orders them from the connection outwards), else the first warning. */
export function explainingFinding(report: DoctorReport): Finding | undefined {
  return (
    report.findings.find((f) => f.status === 'fail' && f.id !== 'internal') ??
    report.findings.find((f) => f.status === 'warn' && f.id !== 'tls')
  );
}

/** One line; the parts the error already says (the same hint, say) are left out. */
export function describeFinding(finding: Finding, already = ''): string {
  const parts = [finding.detail, finding.hint].filter((p) => p !== '' && !already.includes(p));
  return `Server check: ${finding.title}${parts.length > 0 ? `: ${parts.join(' ')}` : ''}`;
}
