// Replays a recorded transcript against another server (normally the simulator) and lists where its
// answers differ from the recorded ones: the way a run against a real ProGet becomes a simulator fixture.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type Exchange, REDACTED, REDACTED_OTHER, TRANSCRIPT_FORMAT, type Transcript } from './recorder.js';

export interface ReplayOptions {
  /** Base URL of the server to replay against. */
  url: string;
  /** Stands in for the recorded (redacted) key. */
  apiKey: string;
  /** Stands in for any other redacted key (the suite's unknown key). */
  otherKey?: string;
}

export interface ReplayMismatch {
  seq: number;
  request: string;
  recorded: number;
  replayed: number;
  note?: string;
}

export interface ReplayResult {
  replayed: number;
  /** Exchanges that cannot be replayed: a request body cut at the limit, or no answer recorded. */
  skipped: number;
  mismatches: ReplayMismatch[];
}

const SENT_HEADERS = ['accept', 'content-type', 'x-apikey', 'authorization'];

export function parseTranscript(text: string): Transcript {
  const value = JSON.parse(text) as Transcript;
  if (value?.format !== TRANSCRIPT_FORMAT || !Array.isArray(value.exchanges))
    throw new Error(`not a ${TRANSCRIPT_FORMAT} transcript`);
  return value;
}

export async function replayTranscript(
  transcript: Transcript,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const result: ReplayResult = { replayed: 0, skipped: 0, mismatches: [] };
  const base = new URL(options.url);
  const otherKey = options.otherKey ?? 'proget-ci-replay-unknown-key';
  for (const exchange of transcript.exchanges) {
    if (exchange.status === 0 || exchange.requestBody?.truncated) {
      result.skipped++;
      continue;
    }
    const answer = await send(base, exchange, options.apiKey, otherKey);
    result.replayed++;
    const recordedJson = isJson(exchange.responseHeaders['content-type']);
    const replayedJson = isJson(answer.contentType);
    if (answer.status !== exchange.status || (exchange.status < 300 && recordedJson !== replayedJson)) {
      result.mismatches.push({
        seq: exchange.seq,
        request: `${exchange.method} ${exchange.path}`,
        recorded: exchange.status,
        replayed: answer.status,
        note:
          recordedJson !== replayedJson
            ? `content-type ${exchange.responseHeaders['content-type'] ?? '(none)'} vs ${answer.contentType || '(none)'}`
            : undefined,
      });
    }
  }
  return result;
}

function isJson(type: string | undefined): boolean {
  return /json/i.test(type ?? '');
}

function send(
  base: URL,
  exchange: Exchange,
  key: string,
  otherKey: string,
): Promise<{ status: number; contentType: string }> {
  const headers: Record<string, string> = {};
  for (const name of SENT_HEADERS) {
    const value = exchange.requestHeaders[name];
    if (value === undefined) continue;
    if (value === REDACTED)
      headers[name] =
        name === 'authorization' ? `Basic ${Buffer.from(`api:${key}`).toString('base64')}` : key;
    else if (value === REDACTED_OTHER)
      headers[name] =
        name === 'authorization' ? `Basic ${Buffer.from(`api:${otherKey}`).toString('base64')}` : otherKey;
    else headers[name] = value;
  }
  const body = exchange.requestBody
    ? exchange.requestBody.base64 !== undefined
      ? Buffer.from(exchange.requestBody.base64, 'base64')
      : Buffer.from((exchange.requestBody.text ?? '').split(REDACTED).join(key))
    : undefined;
  if (body) headers['content-length'] = String(body.length);
  const path = `${base.pathname.replace(/\/+$/, '')}${exchange.path.split(encodeURIComponent(REDACTED)).join(encodeURIComponent(key)).split(REDACTED).join(encodeURIComponent(key))}`;
  const make = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: exchange.method,
        path,
        headers,
        agent: false,
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '' }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer to ${exchange.method} ${exchange.path} within 30 s`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
