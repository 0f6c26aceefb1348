// An HTTPS simulator with a self-signed certificate (made with openssl for this run): refused by default
// with an error that names the fix, accepted with the CA (ca-cert or NODE_EXTRA_CA_CERTS), and
// insecure-tls works but warns.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProGetClient, type ProGetError } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../sim/index.js';
import { generateSelfSignedCert } from '../support/certs.js';
import { ADMIN_KEY, bundlesReady, OTHER_FEED, run, type Scratch, scratch, startRelSim } from './helpers.js';

let sim: SimulatorHandle;
let dir: Scratch;
let caFile: string;

const HINT =
  "Hint: The server's TLS certificate is not trusted: give its CA certificate (PEM file) as caCertPath (the action's ca-cert input), or name that file in the NODE_EXTRA_CA_CERTS environment variable.";
// The bundle words the same texts for a workflow author: inputs, not the client's option names.
const ACTION_HINT =
  'Hint: The server\'s TLS certificate is not trusted: give its CA certificate (PEM file) as the "ca-cert" input, or name that file in the NODE_EXTRA_CA_CERTS environment variable.';
const ACTION_INSECURE_WARNING =
  'WARNING: TLS certificate verification is DISABLED (insecure-tls). Anyone on the network path can read and alter traffic to ProGet, including the API key. Use the "ca-cert" input to trust a private CA instead.';
const INSECURE_WARNING =
  'WARNING: TLS certificate verification is DISABLED (insecureTls). Anyone on the network path can read and alter traffic to ProGet, including the API key. Use caCertPath to trust a private CA instead.';

beforeAll(async () => {
  await bundlesReady();
  dir = await scratch('tls');
  const tls = generateSelfSignedCert();
  caFile = join(dir.path, 'ca.pem');
  await writeFile(caFile, tls.cert);
  sim = await startRelSim({ tls });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

/** A promote-check that reaches the server gets as far as the verdict: the package is not promoted. */
const check = (extra: Record<string, string> = {}) => ({
  server: sim.url,
  'api-key': ADMIN_KEY,
  package: 'app',
  version: '1.0.0',
  'to-feed': OTHER_FEED,
  retries: '0',
  ...extra,
});
const NOT_PROMOTED = /^1 of 1 package versions is not promoted to rel-approved/;
function expectVerdict(errors: string[]) {
  expect(errors.filter((e) => NOT_PROMOTED.test(e))).toHaveLength(1);
  expect(errors.join('\n')).not.toMatch(/certificate|TLS/);
}

describe('a self-signed HTTPS server', () => {
  it('the client refuses it by default, naming ca-cert and NODE_EXTRA_CA_CERTS', async () => {
    expect(sim.url).toMatch(/^https:\/\//);
    const e = (await new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY, retries: 0 }).universal
      .listPackages(OTHER_FEED)
      .catch((err: unknown) => err)) as ProGetError;
    expect(e.kind).toBe('network');
    expect(e.message).toBe(
      `Could not list packages in feed "rel-approved": self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) (GET ${sim.url}/upack/rel-approved/packages)\n${HINT}`,
    );
    expect(sim.requests()).toEqual([]);
  });

  it('the bundle refuses it by default with the same hint, as its one error', async () => {
    const r = await run('promote-check', { workspace: dir.path, inputs: check() });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^Could not .*: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\) \(GET https:/,
    );
    // The hint, then the step's server check (doctor) saying what it found about the certificate.
    const [message, finding] = r.errors[0]!.split('\nServer check: ');
    expect(message!.endsWith(ACTION_HINT)).toBe(true);
    expect(finding).toMatch(/certificate/i);
    expect(finding).not.toContain(ADMIN_KEY);
  });

  it('ca-cert: accepted', async () => {
    const r = await run('promote-check', { workspace: dir.path, inputs: check({ 'ca-cert': 'ca.pem' }) });
    expectVerdict(r.errors);
    expect(r.warnings.filter((w) => w.includes('TLS'))).toEqual([]);
  });

  it('NODE_EXTRA_CA_CERTS: accepted', async () => {
    const r = await run('promote-check', {
      workspace: dir.path,
      inputs: check(),
      env: { NODE_EXTRA_CA_CERTS: caFile },
    });
    expectVerdict(r.errors);
  });

  it('insecure-tls: works, and warns loudly', async () => {
    const r = await run('promote-check', { workspace: dir.path, inputs: check({ 'insecure-tls': 'true' }) });
    expectVerdict(r.errors);
    expect(r.warnings).toContain(ACTION_INSECURE_WARNING);
  });

  it('the client with caCertPath works; with insecureTls it warns through its logger', async () => {
    expect(
      await new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY, caCertPath: caFile }).universal.listPackages(
        OTHER_FEED,
      ),
    ).toEqual([]);
    const warnings: string[] = [];
    const client = new ProGetClient({
      url: sim.url,
      apiKey: ADMIN_KEY,
      insecureTls: true,
      logger: { debug: () => {}, warn: (m) => warnings.push(m) },
    });
    expect(await client.universal.listPackages(OTHER_FEED)).toEqual([]);
    expect(warnings).toEqual([INSECURE_WARNING]);
  });

  it('a different CA is still refused (the trust is specific, not switched off)', async () => {
    const other = join(dir.path, 'other-ca.pem');
    await writeFile(other, generateSelfSignedCert().cert);
    const e = (await new ProGetClient({ url: sim.url, caCertPath: other, retries: 0 }).universal
      .listPackages(OTHER_FEED)
      .catch((err: unknown) => err)) as ProGetError;
    expect(e.kind).toBe('network');
    expect(e.message.endsWith(HINT)).toBe(true);
  });
});
