import { type PackageCompliance, ProGetError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import type { PackageCheck } from '../src/promote-check/check.js';
import {
  COMPLIANCE_CONCURRENCY,
  checkCompliance,
  describeVulnerabilities,
} from '../src/promote-check/compliance.js';
import { FakeIo } from './helpers/fake-io.js';

function checks(n: number, status: PackageCheck['status'] = 'promoted'): PackageCheck[] {
  return Array.from({ length: n }, (_, i) => ({
    package: { name: `p${i}`, version: '1.0.0' },
    status,
    reason: '',
  }));
}

function client(
  metadata: (feed: string, pkg: { name: string }) => Promise<PackageCompliance | undefined>,
  server: { edition?: string; version?: { text: string; parts: number[]; year?: number } } = {},
) {
  return { server: { display: '', ...server }, sca: { packages: { metadata } } } as never;
}

const compliant = (name: string): PackageCompliance => ({
  name,
  version: '1.0.0',
  state: 'Local',
  licenses: [{ code: 'MIT' }],
  vulnerabilities: [],
  verdict: 'compliant',
});

describe('checkCompliance', () => {
  it('reads each existing version where it is, at most COMPLIANCE_CONCURRENCY at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const feeds: string[] = [];
    const c = client(async (feed, pkg) => {
      feeds.push(feed);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return compliant(pkg.name);
    });
    const list = [...checks(20), ...checks(2, 'not-promoted'), ...checks(1, 'not-found')];
    const outcome = await checkCompliance(c, list, { fromFeed: 'dev', toFeed: 'prod', logger: new FakeIo() });
    expect(outcome.available).toBe(true);
    expect(most).toBe(COMPLIANCE_CONCURRENCY);
    expect(feeds.filter((f) => f === 'prod')).toHaveLength(20);
    expect(feeds.filter((f) => f === 'dev')).toHaveLength(2);
    // A version that does not exist is not asked about.
    expect(feeds).toHaveLength(22);
  });

  it('a Free refusal (edition-required) makes compliance unavailable, not an error', async () => {
    const c = client(async () => {
      throw new ProGetError({ kind: 'edition-required', message: 'needs Basic' });
    });
    const outcome = await checkCompliance(c, checks(3), { toFeed: 'prod', logger: new FakeIo() });
    expect(outcome).toEqual({ available: false, reason: expect.stringContaining('ProGet Free') });
  });

  it('other errors are not swallowed', async () => {
    const c = client(async () => {
      throw new ProGetError({ kind: 'forbidden', message: 'HTTP 403' });
    });
    await expect(
      checkCompliance(c, checks(1), { toFeed: 'prod', logger: new FakeIo() }),
    ).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });

  it('asks nothing of a server its headers show to be Free or older than 2023', async () => {
    let asked = 0;
    const metadata = async () => {
      asked++;
      return undefined;
    };
    const free = await checkCompliance(client(metadata, { edition: 'Free' }), checks(2), {
      toFeed: 'prod',
      logger: new FakeIo(),
    });
    expect(free.available).toBe(false);
    const old = await checkCompliance(
      client(metadata, { version: { text: '6.0.19', parts: [6, 0, 19] } }),
      checks(2),
      { toFeed: 'prod', logger: new FakeIo() },
    );
    expect(old).toEqual({ available: false, reason: expect.stringContaining('ProGet 6.0.19') });
    expect(asked).toBe(0);
  });

  it('a 404 for some versions leaves them without data; for all, the API is taken as missing', async () => {
    const some = await checkCompliance(
      client(async (_f, pkg) => (pkg.name === 'p0' ? compliant('p0') : undefined)),
      checks(2),
      { toFeed: 'prod', logger: new FakeIo() },
    );
    expect(some.available && [...some.byPackage.values()].map((s) => s.verdict)).toEqual([
      'compliant',
      'unknown',
    ]);
    const none = await checkCompliance(
      client(async () => undefined),
      checks(2),
      {
        toFeed: 'prod',
        logger: new FakeIo(),
      },
    );
    expect(none).toEqual({ available: false, reason: expect.stringContaining('404') });
  });
});

describe('describeVulnerabilities', () => {
  it('lists the worst first', () => {
    expect(
      describeVulnerabilities([
        { id: 'A', severity: 'low', assessments: [] },
        { id: 'B', assessments: [] },
        { id: 'C', severity: 'critical', assessments: [] },
      ]),
    ).toBe('C (critical), A (low), B');
  });
});
