import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { generateSelfSignedCert } from '../../support/certs.js';
import { expectNoStackTrace } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
let workspace: string;

beforeAll(async () => {
  ensureBundles();
  const tls = generateSelfSignedCert();
  sim = await startSimulator({ seed: 'demo', tls });
  workspace = join(sim.dataDir, 'ws-tls');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'ca.pem'), tls.cert);
  await writeFile(join(workspace, 'not-a-cert.pem'), 'hello');
});
afterAll(async () => {
  await sim?.close();
});

function check(inputs: Record<string, string>) {
  return runAction('promote-check', {
    inputs: {
      server: sim.url,
      'api-key': 'demo-view-key',
      'to-feed': 'approved-feed',
      packages: 'initrode/vendors/abl/ABLast@2.2.1',
      ...inputs,
    },
    workspace,
  });
}

describe('TLS options of the bundles', () => {
  it('refuses an untrusted certificate and says how to trust it', async () => {
    const run = await check({});
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('ca-cert');
    expectNoStackTrace(run);
  });

  it('trusts a private CA given as ca-cert (relative to the workspace)', async () => {
    const run = await check({ 'ca-cert': 'ca.pem' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.promoted).toBe('true');
  });

  it('connects with insecure-tls, warning loudly', async () => {
    const run = await check({ 'insecure-tls': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.warnings.some((w) => w.includes('TLS certificate verification is DISABLED'))).toBe(true);
  });

  it('says what is wrong with a ca-cert that holds no certificate', async () => {
    const run = await check({ 'ca-cert': 'not-a-cert.pem' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toBe(
      `Invalid inputs: "ca-cert": ${join(workspace, 'not-a-cert.pem')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
    expectNoStackTrace(run);
  });
});
