// The HTTP(S) front: request log, request-side faults, routing, and one error-to-text mapping.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { assetsApi } from './assets.js';
import type { Call, Sim } from './context.js';
import { control } from './control.js';
import { deploymentApi } from './deployments.js';
import { managementFeeds, nativeApi } from './feeds.js';
import { connectorHealth, health } from './health.js';
import { ByteLimit, HttpError, hardClose, type ResponseFault, type SimResponse, send, text } from './http.js';
import { packagesApi } from './packages-api.js';
import { promotionsApi } from './promotions.js';
import { scaApi } from './sca/routes.js';
import { universalApi } from './universal.js';

const STATUS_TEXT: Record<number, string> = {
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

async function route(sim: Sim, call: Call): Promise<SimResponse> {
  const s = call.segments;
  const [a, b, c, d] = s;
  if (a === '__sim') return control(sim, call, s.slice(1));
  if (a === 'health' && s.length <= 2) return health(sim, call, b);
  if (sim.behaviour.unlicensed) return unlicensed(call);
  if (a === 'endpoints' && b && s.length >= 3) return assetsApi(sim, call, b, s.slice(2));
  if (a === 'upack') {
    if (!b || s.length < 3) return text(404, 'This is not the endpoint you are looking for.');
    return universalApi(sim, call, b, s.slice(2));
  }
  if (a === 'api') {
    const sca = await scaApi(sim, call, s.slice(1));
    if (sca) return sca;
    if (b === 'packages' && c !== undefined && s.length <= 4) return packagesApi(sim, call, c, d);
    if (b === 'management' && c === 'feeds') return managementFeeds(sim, call, s.slice(3));
    if (b === 'json' && s.length <= 3) return nativeApi(sim, call, c);
    if (b === 'promotions' && s.length === 3) return promotionsApi(sim, call, c);
    if (b === 'package-deployment' && s.length === 2) return deploymentApi(sim, call);
    if (b === 'connector-health' && s.length <= 3) return connectorHealth(sim, call, c);
    if (b === 'api-keys') return apiKeys(sim, call);
  }
  return text(404, 'Not Found');
}

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Log In - ProGet</title></head><body><form method="post">' +
  '<input name="username"><input name="password" type="password"></form></body></html>';
const LICENSING_PAGE =
  '<!DOCTYPE html><html><head><title>Licensing - ProGet</title></head><body>' +
  '<h1>Licensing &amp; Activation</h1><p>Product license is not valid.</p></body></html>';

/**
 * An unlicensed or not yet activated server (api-notes §1): every API call is redirected to the licensing
 * page, whose HTML answers 200; the Native API answers the HTML login page with 200.
 */
function unlicensed(call: Call): SimResponse {
  const html = (body: string): SimResponse => ({
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body,
  });
  const [a, b] = call.segments;
  if (a === 'administration' && b === 'licensing') return html(LICENSING_PAGE);
  if (a === 'api' && b === 'json') return html(LOGIN_PAGE);
  return {
    status: 302,
    headers: { Location: '/administration/licensing', 'Content-Type': 'text/html; charset=utf-8' },
    body: '<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="/administration/licensing">here</a>.</h2></body></html>',
  };
}

/**
 * `/api/api-keys/*`: refused like the management API (a missing key is 403, not a challenge, api-notes §1).
 * Managing keys itself is not simulated.
 */
function apiKeys(sim: Sim, call: Call): SimResponse {
  const who = call.who();
  const admin =
    (who.kind === 'key' && who.key.privileges === 'all') ||
    (who.kind === 'user' && who.user.privileges === 'all');
  if (!admin) throw sim.denied(who, 'management');
  return text(404, 'The API Keys API is not simulated.');
}

function segmentsOf(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((x) => x !== '')
    .map((x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        throw new HttpError(400, `Invalid escape in path segment "${x}".`);
      }
    });
}

function errorResponse(e: unknown): SimResponse | undefined {
  if (e instanceof HttpError) return text(e.status, e.message, e.headers);
  const code = (e as NodeJS.ErrnoException)?.code;
  // The client went away mid-request: nobody to answer.
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error)?.message === 'aborted')
    return undefined;
  return text(500, `An internal error occurred: ${(e as Error)?.message ?? String(e)}`);
}

/** A 2022-era server refused a `; charset=` directive on request bodies (api-notes §7); an option here. */
function refuseCharset(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type && /;\s*charset\s*=/i.test(type))
    throw new HttpError(400, `The content type "${type}" is not supported.`);
}

const DRAIN_CAP = 64 * 1024 * 1024;

/** Read and discard the rest of a request body; false when it is larger than the cap or fails. */
function drain(req: IncomingMessage): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  // The client waits for "100 Continue" that will not come: do not invite a body nobody wants.
  if (awaitingContinue.has(req)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => {
      req.removeAllListeners('data');
      resolve(ok);
    };
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > DRAIN_CAP) {
        req.pause();
        done(false);
      }
    });
    req.once('end', () => done(true));
    req.once('error', () => done(false));
    req.once('close', () => done(req.complete));
    req.resume();
  });
}

/** Requests with `Expect: 100-continue` whose body nobody has started to read yet. */
const awaitingContinue = new WeakSet<IncomingMessage>();

export function createHandler(sim: Sim, protocol: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(sim, protocol, req, res).catch(() => res.destroy());
  };
}

/**
 * `Expect: 100-continue` (curl sends it for large uploads): answer "100 Continue" only when a handler starts
 * reading the body, so a request refused up front (401, 403, 404, fault) gets its answer before sending
 * a byte of the body, as IIS-hosted servers do.
 */
export function createContinueHandler(sim: Sim, protocol: 'http' | 'https') {
  const handler = createHandler(sim, protocol);
  return (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    const onListener = (event: string | symbol) => {
      if (event !== 'data' && event !== 'readable') return;
      req.removeListener('newListener', onListener);
      if (awaitingContinue.delete(req) && !res.headersSent) res.writeContinue();
    };
    req.on('newListener', onListener);
    handler(req, res);
  };
}

async function handle(sim: Sim, protocol: string, req: IncomingMessage, res: ServerResponse) {
  const rawUrl = req.url ?? '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(rawUrl, `${protocol}://${req.headers.host ?? '127.0.0.1'}`);
  const isControl = url.pathname.startsWith('/__sim/');
  if (!isControl) {
    const at = new Date().toISOString();
    res.once('close', () => {
      sim.log.push({
        method,
        url: rawUrl,
        headers: { ...req.headers },
        status: res.headersSent ? res.statusCode : 0,
        at,
      });
    });
  }
  const common = sim.commonHeaders();
  let body: Readable = req;
  let responseFault: ResponseFault | undefined;
  for (const fault of isControl ? [] : sim.faults.match(method, url.pathname)) {
    switch (fault.type) {
      case 'latency':
        await sleep(fault.ms);
        break;
      case 'status': {
        const headers: Record<string, string> = (await drain(req)) ? {} : { Connection: 'close' };
        if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
        const r = text(
          fault.status,
          fault.body ?? STATUS_TEXT[fault.status] ?? `Error ${fault.status}`,
          headers,
        );
        if (fault.contentType) r.headers!['Content-Type'] = fault.contentType;
        await send(req, res, r, common);
        return;
      }
      case 'reset-request':
        hardClose(req.socket);
        return;
      case 'request-limit': {
        const declared = Number(req.headers['content-length'] ?? Number.NaN);
        if (declared > fault.maxBytes) {
          const drained = await drain(req);
          await send(req, res, text(413, STATUS_TEXT[413]!, drained ? {} : { Connection: 'close' }), common);
          return;
        }
        const limiter = new ByteLimit(fault.maxBytes);
        req.on('error', (e) => limiter.destroy(e));
        limiter.on('error', () => req.unpipe(limiter));
        req.pipe(limiter);
        body = limiter;
        break;
      }
      default:
        responseFault ??= fault;
    }
  }
  let response: SimResponse | undefined;
  try {
    if (!isControl && sim.behaviour.rejectCharsetContentType) refuseCharset(req);
    const call: Call = {
      req,
      method,
      url,
      query: url.searchParams,
      segments: segmentsOf(url.pathname),
      body,
      who: (bodyKey?: string) => sim.principal(req, url.searchParams, bodyKey),
    };
    response = await route(sim, call);
  } catch (e) {
    response = errorResponse(e);
  }
  if (!response || res.destroyed || req.socket.destroyed) {
    if (!res.headersSent) res.destroy();
    return;
  }
  // An unread body is read and dropped first, so the client gets to see the answer; past the cap the
  // connection closes after the answer instead.
  if (!req.complete && !(await drain(req))) response.headers = { ...response.headers, Connection: 'close' };
  await send(req, res, response, common, responseFault);
}
