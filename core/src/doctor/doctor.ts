// doctor(): what can this server and this key do? Reads only (no uploads, deletes, promotions or
// deployment records), never throws for a server problem, never puts a secret in a finding.

import { parseEdition } from '../areas/server.js';
import { ProGetClient } from '../client.js';
import { ValidationError } from '../errors.js';
import { SecretScrubber } from '../redact.js';
import { checkServerUrl } from '../server-url.js';
import { loadTlsSettings } from '../transport/tls.js';
import { checkApi } from './api-checks.js';
import { inspectTls, ProbeError, type ProbeTls, probeGet } from './probe.js';
import {
  describeAnswer,
  type HealthAnswer,
  header,
  isLicensingRedirect,
  isLoginRedirect,
  licenseProblem,
  parseProGetVersion,
  readHealthAnswer,
} from './server-facts.js';
import type { DoctorOptions, DoctorReport, Finding, FindingStatus } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;

export async function doctor(options: DoctorOptions): Promise<DoctorReport> {
  const scrubber = new SecretScrubber([options.apiKey]);
  const report: DoctorReport = {
    server: options.url,
    ok: false,
    reachable: false,
    tls: undefined,
    isProGet: false,
    features: {},
    feeds: [],
    findings: [],
  };
  const add = (id: string, status: FindingStatus, title: string, detail: string, hint = '') => {
    const finding: Finding = {
      id,
      status,
      title: scrubber.scrub(title),
      detail: scrubber.scrub(detail),
      hint: scrubber.scrub(hint),
    };
    report.findings.push(finding);
    return finding;
  };
  try {
    await examine(options, report, add);
  } catch (e) {
    // A bug or an abort must still give a report, not a stack trace in front of the user.
    add(
      'internal',
      'fail',
      'The check stopped early',
      scrubber.scrub(e instanceof Error ? e.message : String(e)),
    );
  }
  report.ok = !report.findings.some((f) => f.status === 'fail');
  return report;
}

type Add = (id: string, status: FindingStatus, title: string, detail: string, hint?: string) => Finding;

async function examine(options: DoctorOptions, report: DoctorReport, add: Add): Promise<void> {
  const checked = checkServerUrl(options.url);
  if (!checked.ok) {
    add(
      'url',
      'fail',
      'The server URL is not usable',
      `The server URL ${checked.reason}.`,
      'Give the address of ProGet, e.g. https://proget.example.com',
    );
    return;
  }
  report.server = checked.url;
  const url = new URL(`${checked.url}/`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let tlsSettings: ProbeTls;
  try {
    tlsSettings = loadTlsSettings(options.caCertPath, options.insecureTls, { debug() {}, warn() {} });
  } catch (e) {
    add(
      'ca-cert',
      'fail',
      'The CA certificate file is not usable',
      e instanceof ValidationError ? e.problems.join('; ') : String(e),
      'Give a PEM file holding the CA certificate that signed the server certificate.',
    );
    return;
  }

  if (url.protocol === 'https:') {
    if (!(await checkTls(url, tlsSettings, options, timeoutMs, report, add))) return;
  } else {
    report.tls = 'not-https';
    const loopback = /^(127\.|localhost$|\[::1\]$)/.test(url.hostname);
    add(
      'tls',
      options.apiKey && !loopback ? 'warn' : 'info',
      'Plain HTTP',
      'The connection is not encrypted.',
      options.apiKey && !loopback
        ? 'The API key travels in clear text: use https:// if the server offers it.'
        : '',
    );
  }

  // /health needs no key; the three forms ProGet has used, asked in the order the client asks them.
  const answers: { path: string; answer: HealthAnswer; version?: string; edition?: string }[] = [];
  for (const path of ['health?format=json', 'health/json', 'health']) {
    let response: Awaited<ReturnType<typeof probeGet>>;
    try {
      response = await probeGet(new URL(path, url), { tls: tlsSettings, timeoutMs, signal: options.signal });
    } catch (e) {
      if (answers.length === 0) {
        unreachable(e, url, add);
        return;
      }
      break;
    }
    const answer = readHealthAnswer(response);
    answers.push({
      path: `/${path}`,
      answer,
      version: header(response.headers, 'x-proget-version'),
      edition: editionOf(header(response.headers, 'x-proget-edition')),
    });
    if (answer.kind === 'json' || answer.kind === 'redirect') break;
  }
  report.reachable = true;
  add('reachable', 'ok', 'Server reachable', `${url.host} answered.`);

  const rawVersion = answers.find((a) => a.version)?.version;
  const edition = answers.find((a) => a.edition)?.edition;
  const json = answers.find((a) => a.answer.kind === 'json')?.answer as
    | Extract<HealthAnswer, { kind: 'json' }>
    | undefined;
  report.isProGet =
    rawVersion !== undefined || edition !== undefined || /proget/i.test(json?.health.applicationName ?? '');
  const license = answers.map((a) => licenseProblem(a.answer)).find((p) => p !== undefined);
  if (!report.isProGet && !license) {
    notProGet(answers, url, add);
    return;
  }
  const healthFound = answers.some((a) => a.answer.kind === 'json' || a.answer.kind === 'text');
  if (!healthFound && !license && url.pathname !== '/') {
    // ProGet stamps its headers on its own 404 pages too: the host is ProGet, the path is not its root.
    add(
      'proget',
      'fail',
      'ProGet answers, but not at this base path',
      `${answers.map((a) => describeAnswer(a.path, a.answer)).join('; ')}.`,
      `Drop the path ${url.pathname.replace(/\/$/, '')} from the server URL: give ProGet's base address (e.g. ${url.origin}).`,
    );
    return;
  }
  add('proget', 'ok', 'ProGet answers at this URL', describeAnswer(answers[0]!.path, answers[0]!.answer));

  const version = parseProGetVersion(rawVersion);
  if (version) {
    report.version = version;
    add(
      'version',
      version.major >= 2023 ? 'ok' : 'warn',
      `ProGet ${version.display}`,
      `X-ProGet-Version: ${version.raw}`,
      version.major >= 2023
        ? ''
        : 'ProGet 2023 or later is needed for the Packages and promotions APIs that proget-ci uses.',
    );
  } else {
    add(
      'version',
      'warn',
      'ProGet version unknown',
      rawVersion
        ? `X-ProGet-Version is "${rawVersion}", not a version number.`
        : 'The server sent no X-ProGet-Version header.',
      'A proxy in front of ProGet may strip X-ProGet-* headers; version-specific advice is then a guess.',
    );
  }
  if (edition) {
    report.edition = edition;
    const free = edition.toLowerCase() === 'free';
    add(
      'edition',
      'info',
      `Edition: ${edition}`,
      free
        ? 'ProGet Free: promotion through the API is not available and API deletes are limited to 10 per hour.'
        : `X-ProGet-Edition: ${edition}`,
    );
  } else {
    add(
      'edition',
      'info',
      'Edition unknown',
      'The server sent no X-ProGet-Edition header.',
      'Edition-specific limits (promotions on Free) are then found out by trying.',
    );
  }

  if (license) {
    report.licensed = false;
    add(
      'license',
      'fail',
      'The server is not licensed',
      `${license}.`,
      'Activate or renew the license under Administration › Licensing & Activation; until then every API call is redirected to the licensing page.',
    );
    return;
  }
  if (json) {
    const h = json.health;
    report.licensed = true;
    const problems = [
      h.databaseStatus && h.databaseStatus.toUpperCase() !== 'OK'
        ? `database ${h.databaseStatus}${h.databaseStatusDetails ? ` (${h.databaseStatusDetails})` : ''}`
        : '',
      h.serviceStatus && h.serviceStatus.toUpperCase() !== 'OK'
        ? `service ${h.serviceStatus}${h.serviceStatusDetail ? ` (${h.serviceStatusDetail})` : ''}`
        : '',
    ].filter(Boolean);
    add(
      'license',
      'ok',
      'License valid',
      h.licenseStatus ? `licenseStatus ${h.licenseStatus}` : 'No license problem reported.',
    );
    add(
      'health',
      problems.length ? 'fail' : 'ok',
      problems.length ? 'The server reports a problem' : 'Server healthy',
      problems.length
        ? problems.join('; ')
        : `${json.status === 200 ? '' : `HTTP ${json.status}; `}database and service OK`,
      problems.length ? 'See Administration › Diagnostic Center on the server.' : '',
    );
  } else {
    const text = answers.find((a) => a.answer.kind === 'text')?.answer as
      | Extract<HealthAnswer, { kind: 'text' }>
      | undefined;
    const healthy = text !== undefined && /^ok$/i.test(text.text) && text.status < 300;
    add(
      'health',
      healthy ? 'ok' : 'warn',
      healthy ? 'Server healthy' : 'Health not readable',
      answers.map((a) => describeAnswer(a.path, a.answer)).join('; '),
      healthy ? '' : 'Neither /health?format=json nor /health/json gave the health JSON.',
    );
  }

  const client = new ProGetClient({
    url: checked.url,
    apiKey: options.apiKey,
    caCertPath: options.caCertPath,
    insecureTls: options.insecureTls,
    timeoutMs,
    retries: 1,
    retryBaseDelayMs: 200,
    overallTimeoutMs: timeoutMs * 3,
    signal: options.signal,
    logger: { debug() {}, warn() {} },
  });
  await checkApi({ client, options, report, add, base: url, tls: tlsSettings, timeoutMs });
}

async function checkTls(
  url: URL,
  tls: ProbeTls,
  options: DoctorOptions,
  timeoutMs: number,
  report: DoctorReport,
  add: Add,
): Promise<boolean> {
  let inspection: Awaited<ReturnType<typeof inspectTls>>;
  try {
    inspection = await inspectTls(url, { ca: tls.ca, timeoutMs });
  } catch (e) {
    unreachable(e, url, add);
    return false;
  }
  report.tls = inspection.verdict;
  const who = inspection.subject
    ? ` (certificate for ${inspection.subject}${inspection.issuer && inspection.issuer !== inspection.subject ? `, issued by ${inspection.issuer}` : ''})`
    : '';
  if (inspection.verdict === 'ok') {
    add('tls', 'ok', 'TLS certificate trusted', `The certificate verifies for ${url.hostname}${who}.`);
    if (options.insecureTls)
      add(
        'tls.insecure',
        'warn',
        'TLS verification disabled',
        'insecure TLS was asked for, but the certificate is trusted anyway.',
        'Drop --insecure-tls: it is not needed.',
      );
    return true;
  }
  const words: Record<string, string> = {
    'self-signed': 'The server uses a self-signed certificate',
    'wrong-host': `The certificate is not for ${url.hostname}`,
    expired: 'The certificate has expired or is not yet valid',
    untrusted: 'The certificate is not signed by a trusted CA',
  };
  const title = words[inspection.verdict] ?? 'The certificate is not trusted';
  if (options.insecureTls) {
    add(
      'tls',
      'warn',
      `${title} (verification disabled)`,
      `${inspection.reason ?? inspection.verdict}${who}.`,
      'Anyone on the network path can read the API key. Trust the CA with --ca-cert FILE instead of --insecure-tls.',
    );
    return true;
  }
  add(
    'tls',
    'fail',
    title,
    `${inspection.reason ?? inspection.verdict}${who}. Nothing was sent.`,
    inspection.verdict === 'wrong-host'
      ? 'Use the host name the certificate was issued for in the server URL.'
      : "Trust the server's CA with --ca-cert FILE (a PEM file; NODE_EXTRA_CA_CERTS also works).",
  );
  return false;
}

function unreachable(error: unknown, url: URL, add: Add): void {
  const code = error instanceof ProbeError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hints: Record<string, string> = {
    ECONNREFUSED: `Nothing accepted the connection at ${url.host}: check the URL, the port and that ProGet is running.`,
    ENOTFOUND: `The host name ${url.hostname} could not be resolved: check the URL and DNS.`,
    EAI_AGAIN: `The host name ${url.hostname} could not be resolved: check the URL and DNS.`,
    ETIMEDOUT: `${url.host} did not answer: check the URL, the port, and any firewall or proxy in between.`,
    ECONNRESET:
      'The connection was reset: a proxy or the server closed it (is this an https port spoken to with http://, or the reverse?).',
    EPROTO: 'The TLS handshake failed: is this an http:// port spoken to with https://?',
  };
  add(
    'reachable',
    'fail',
    `Cannot reach ${url.host}`,
    code && !message.includes(code) ? `${message} (${code})` : message,
    (code && hints[code]) ?? 'Check the URL and that the server is running and reachable from here.',
  );
}

function notProGet(answers: { path: string; answer: HealthAnswer }[], url: URL, add: Add): void {
  const found = answers.map((a) => describeAnswer(a.path, a.answer)).join('; ');
  const first = answers[0]!.answer;
  let hint =
    'Give the base address of ProGet (where its home page is), e.g. https://proget.example.com, without /feeds, /upack or /api paths.';
  if (first.kind === 'redirect' && isLoginRedirect(first.location))
    hint =
      'Something in front of ProGet (a single sign-on proxy?) asks for a login: use the address that reaches ProGet directly.';
  else if (first.kind === 'redirect' && !isLicensingRedirect(first.location))
    hint = 'Use the address the server redirects to as the server URL, so that no redirect is needed.';
  else if (url.pathname !== '/' && url.pathname !== '')
    hint = `The URL has the path ${url.pathname}: ProGet is normally at the root of its host; try without the path.`;
  add(
    'proget',
    'fail',
    'This is not a ProGet API',
    `No ProGet headers and no ProGet health report: ${found}.`,
    hint,
  );
}

/** `free` → `Free` (core's reading); an edition core does not know is shown as the server sent it. */
function editionOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : (parseEdition(text) ?? text);
}
