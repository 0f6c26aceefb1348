import './helpers/intercept.js';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildPackage, ProGetClient, ProGetError, readPackage, ValidationError } from '@proget-ci/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PublishOptions, publish } from '../src/publish/publish.js';
import { StepError } from '../src/shared/errors.js';
import {
  feedsExist,
  KEY,
  MemoryLogger,
  removeTempDirs,
  SERVER,
  strictNock,
  tempDir,
  testClient,
  writeFiles,
} from './helpers/nock.js';

let source: string;
let temp: string;
let logger: MemoryLogger;

beforeEach(async () => {
  source = await tempDir('publish-src-');
  temp = await tempDir('publish-tmp-');
  logger = new MemoryLogger();
  await writeFiles(source, { 'bin/app.js': 'console.log(1)\n', 'README.md': '# app\n', 'debug.log': 'x' });
});

afterEach(async () => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  await removeTempDirs();
  expect(pending).toEqual([]);
});

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    feed: 'dev-feed',
    path: source,
    overrides: { group: 'apps', name: 'web', version: '1.2.3' },
    provenance: { createdBy: 'octocat', _commit: 'abc' },
    include: [],
    exclude: [],
    ifExists: 'fail',
    dryRun: false,
    verify: true,
    tempDir: temp,
    logger,
    ...overrides,
  };
}

const VERSION_QUERY = { group: 'apps', name: 'web', version: '1.2.3' };
const EXISTING = { group: 'apps', name: 'web', version: '1.2.3', downloads: 0 };

/** A feed that keeps what was uploaded, so its reported hash is the real one. */
function fakeFeed(
  scope: nock.Scope,
  options: { exists?: boolean; reportSha1?: 'real' | 'none' | string } = {},
) {
  const state: { uploads: Buffer[] } = { uploads: [] };
  scope
    .get('/upack/dev-feed/versions')
    .query(VERSION_QUERY)
    .reply(options.exists ? 200 : 404, options.exists ? EXISTING : 'Not found');
  scope.put('/upack/dev-feed/upload').reply(201, (_uri, body) => {
    state.uploads.push(Buffer.from(body as string, 'hex'));
    return '';
  });
  scope
    .get('/api/packages/dev-feed/versions')
    .query(VERSION_QUERY)
    .reply(200, () => {
      const last = state.uploads.at(-1)!;
      const real = createHash('sha1').update(last).digest('hex').toUpperCase();
      const sha1 =
        options.reportSha1 === 'none'
          ? undefined
          : options.reportSha1 === undefined || options.reportSha1 === 'real'
            ? real
            : options.reportSha1;
      return [{ ...EXISTING, sha1, listed: true, totalDownloads: 0, size: last.length }];
    });
  return state;
}

/**
 * A feed on a real socket, for what core reads with its own reader (package downloads), which nock cannot
 * see: `handle` gets each request with its whole body; `run` gets a client for it.
 */
async function withLocalFeed(
  handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void,
  run: (client: ProGetClient) => Promise<void>,
): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  nock.enableNetConnect('127.0.0.1');
  try {
    const { port } = server.address() as AddressInfo;
    await run(new ProGetClient({ url: `http://127.0.0.1:${port}`, apiKey: KEY, retries: 0 }));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('publish', () => {
  it('builds, checks the feed, uploads and verifies the SHA-1 the Packages API reports', async () => {
    const feed = fakeFeed(feedsExist(strictNock()));
    const client = testClient();
    const upload = vi.spyOn(client.universal, 'upload');
    const result = await publish(client, options({ exclude: ['*.log'] }));
    // The build's hashes go along, so the upload does not hash the package a second time.
    expect(upload).toHaveBeenCalledWith(
      'dev-feed',
      result.file,
      expect.objectContaining({
        knownHashes: { size: result.size, sha1: result.sha1, sha256: result.sha256 },
      }),
    );
    expect(result).toMatchObject({
      outcome: 'published',
      feed: 'dev-feed',
      id: { group: 'apps', name: 'web', version: '1.2.3' },
      verifiedBy: 'packages-api',
      fileCount: 2,
      packageUrl: `${SERVER}/feeds/dev-feed/apps/web/1.2.3`,
      downloadUrl: `${SERVER}/upack/dev-feed/download/apps/web/1.2.3`,
    });
    expect(feed.uploads).toHaveLength(1);
    expect(createHash('sha1').update(feed.uploads[0]!).digest('hex')).toBe(result.sha1);
    expect(result.size).toBe(feed.uploads[0]!.length);
    // The package on disk is the one uploaded, with the composed manifest, built outside the source dir.
    expect(result.file!.startsWith(temp)).toBe(true);
    const pkg = await readPackage(result.file!);
    expect(pkg.manifest).toMatchObject({
      group: 'apps',
      name: 'web',
      version: '1.2.3',
      createdBy: 'octocat',
      _commit: 'abc',
    });
    expect(
      pkg.entries
        .filter((e) => !e.isDirectory)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['package/README.md', 'package/bin/app.js', 'upack.json']);
  });

  it('stops before uploading when the version exists and if-exists is fail, naming the fix', async () => {
    feedsExist(strictNock()).get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(200, EXISTING);
    const error = await publish(testClient(), options()).catch((e) => e);
    expect(error).toBeInstanceOf(StepError);
    expect(error.message).toBe(
      'apps/web 1.2.3 already exists in dev-feed; set if-exists: skip or overwrite (or publish a new version)',
    );
  });

  describe('an upload cut off mid-way', () => {
    /** The real client, except that its first upload fails the way core reports a reset connection. */
    function cutOffFirstUpload(real: ProGetClient) {
      const wrapped = Object.create(real) as ProGetClient & { uploadCalls: number };
      wrapped.uploadCalls = 0;
      const universal = Object.create(real.universal) as ProGetClient['universal'];
      universal.upload = async (...args) => {
        wrapped.uploadCalls++;
        if (wrapped.uploadCalls === 1) {
          throw new ProGetError({
            kind: 'network',
            message: 'Could not upload the package: read ECONNRESET',
          });
        }
        return real.universal.upload(...args);
      };
      Object.defineProperty(wrapped, 'universal', { value: universal });
      return wrapped;
    }
    const OTHER = { ...EXISTING, sha1: 'EE'.repeat(20), listed: true, totalDownloads: 0, size: 1 };

    it('with other bytes now in the feed and if-exists: fail, stops with "already exists" and sends nothing again', async () => {
      const scope = feedsExist(strictNock());
      scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(404, 'Not found');
      scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(200, EXISTING);
      scope.get('/api/packages/dev-feed/versions').query(VERSION_QUERY).reply(200, [OTHER]);
      const client = cutOffFirstUpload(testClient());
      const error = await publish(client, options()).catch((e) => e);
      expect(client.uploadCalls).toBe(1);
      expect(error).toBeInstanceOf(StepError);
      expect(error.message).toMatch(
        /^apps\/web 1\.2\.3 already exists in dev-feed with other content after an interrupted upload \(.+\); another upload may have won\. Set if-exists: overwrite to replace it, or publish a new version\.$/,
      );
    });

    it('with other bytes now in the feed and if-exists: overwrite, sends it again and verifies it', async () => {
      const scope = feedsExist(strictNock());
      scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(200, EXISTING);
      scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(200, EXISTING);
      scope.get('/api/packages/dev-feed/versions').query(VERSION_QUERY).reply(200, [OTHER]);
      const uploads: Buffer[] = [];
      scope.put('/upack/dev-feed/upload').reply(201, (_uri, body) => {
        uploads.push(Buffer.from(body as string, 'hex'));
        return '';
      });
      scope
        .get('/api/packages/dev-feed/versions')
        .query(VERSION_QUERY)
        .reply(200, () => [{ ...OTHER, sha1: createHash('sha1').update(uploads[0]!).digest('hex') }]);
      const client = cutOffFirstUpload(testClient());
      const result = await publish(client, options({ ifExists: 'overwrite' }));
      expect(result.outcome).toBe('overwritten');
      expect(client.uploadCalls).toBe(2);
      expect(uploads).toHaveLength(1);
      expect(logger.lines.join('\n')).toMatch(/if-exists: overwrite, so it is sent again \(attempt 2 of 2\)/);
    });
  });

  it('skips when the version exists and if-exists is skip, reporting the hashes the server has', async () => {
    const scope = feedsExist(strictNock());
    scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(200, EXISTING);
    scope
      .get('/api/packages/dev-feed/versions')
      .query(VERSION_QUERY)
      .reply(200, [{ ...EXISTING, sha1: 'AB'.repeat(20), sha256: 'CD'.repeat(32), size: 99, listed: true }]);
    const result = await publish(testClient(), options({ ifExists: 'skip' }));
    expect(result).toMatchObject({
      outcome: 'skipped-exists',
      sha1: 'ab'.repeat(20),
      sha256: 'cd'.repeat(32),
      size: 99,
    });
    expect(result.file).toBeUndefined();
    expect(logger.lines).toContain(
      'info: apps/web 1.2.3 already exists in dev-feed; skipping the upload (if-exists: skip).',
    );
  });

  it('replaces the version when if-exists is overwrite', async () => {
    const feed = fakeFeed(feedsExist(strictNock()), { exists: true });
    const result = await publish(testClient(), options({ ifExists: 'overwrite' }));
    expect(result.outcome).toBe('overwritten');
    expect(feed.uploads).toHaveLength(1);
  });

  it('dry-run builds and hashes without a single request', async () => {
    feedsExist(strictNock());
    const result = await publish(testClient(), options({ dryRun: true }));
    expect(result.outcome).toBe('dry-run');
    expect(result.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.size).toBeGreaterThan(0);
  });

  it('creates RUNNER_TEMP when a self-hosted runner has not', async () => {
    feedsExist(strictNock());
    const result = await publish(testClient(), options({ dryRun: true, tempDir: join(temp, 'not', 'yet') }));
    expect(result.file!.startsWith(join(temp, 'not', 'yet'))).toBe(true);
  });

  it('fails verification when the server reports another SHA-1', async () => {
    fakeFeed(feedsExist(strictNock()), { reportSha1: '0'.repeat(40) });
    const error = await publish(testClient(), options()).catch((e) => e);
    expect(error).toBeInstanceOf(StepError);
    expect(error.message).toMatch(
      /^Verification failed: dev-feed has apps\/web 1\.2\.3 with SHA-1 0{40}, but the uploaded file has SHA-1 [0-9a-f]{40}\./,
    );
  });

  it('verifies by downloading when the server reports no SHA-1', async () => {
    const uploads: Buffer[] = [];
    const seen: string[] = [];
    await withLocalFeed(
      (req, body, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.headers['x-apikey'] !== KEY) res.writeHead(401).end();
        else if (req.method === 'GET' && req.url?.startsWith('/upack/dev-feed/versions?'))
          res.writeHead(404).end();
        else if (req.method === 'PUT' && req.url === '/upack/dev-feed/upload') {
          uploads.push(body);
          res.writeHead(201).end();
        } else if (req.method === 'GET' && req.url?.startsWith('/api/packages/dev-feed/versions?')) {
          const size = uploads.at(-1)!.length;
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify([{ ...EXISTING, listed: true, totalDownloads: 0, size }]));
        } else if (req.method === 'GET' && req.url === '/upack/dev-feed/download/apps/web/1.2.3') {
          res.writeHead(200, { 'content-type': 'application/zip' }).end(uploads.at(-1));
        } else res.writeHead(501).end();
      },
      async (client) => {
        const result = await publish(client, options());
        expect(result.verifiedBy).toBe('download');
        expect(seen.at(-1)).toBe('GET /upack/dev-feed/download/apps/web/1.2.3');
      },
    );
  });

  it('fails verification when the bytes downloaded back differ from the upload', async () => {
    await withLocalFeed(
      (req, _body, res) => {
        if (req.url?.startsWith('/upack/dev-feed/versions?')) res.writeHead(404).end();
        else if (req.method === 'PUT') res.writeHead(201).end();
        else if (req.url?.startsWith('/api/packages/dev-feed/versions?')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([EXISTING]));
        } else res.writeHead(200, { 'content-type': 'application/zip' }).end('PK other bytes');
      },
      async (client) => {
        const error = await publish(client, options()).catch((e) => e);
        expect(error).toBeInstanceOf(StepError);
        expect(error.message).toMatch(/^Verification failed/);
      },
    );
  });

  it('skips verification when verify is off', async () => {
    const scope = feedsExist(strictNock());
    scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(404, '');
    scope.put('/upack/dev-feed/upload').reply(201, '');
    const result = await publish(testClient(), options({ verify: false }));
    expect(result.verifiedBy).toBeUndefined();
  });

  it('takes metadata from upack.json in the directory, lets inputs override it, and leaves it out of the content', async () => {
    await writeFile(
      join(source, 'upack.json'),
      JSON.stringify({ name: 'web', version: '0.0.1', group: 'apps', title: 'Web', _team: 'a', tags: ['x'] }),
    );
    fakeFeed(feedsExist(strictNock()));
    const result = await publish(
      testClient(),
      options({ overrides: { version: '1.2.3', metadata: { _team: 'b' }, tags: ['web'] } }),
    );
    const pkg = await readPackage(result.file!);
    expect(pkg.manifest).toMatchObject({
      name: 'web',
      version: '1.2.3',
      title: 'Web',
      _team: 'b',
      tags: ['web'],
    });
    expect(pkg.entries.map((e) => e.path)).not.toContain('package/upack.json');
  });

  it('never packages a .git directory', async () => {
    await writeFiles(source, {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'lib/.git/config': 'x',
      '.gitignore': 'x',
    });
    feedsExist(strictNock());
    const result = await publish(testClient(), options({ dryRun: true }));
    const paths = (await readPackage(result.file!)).entries.map((e) => e.path);
    expect(paths).toContain('package/.gitignore');
    expect(paths.filter((p) => p.includes('.git/'))).toEqual([]);
  });

  it('rejects a manifest that breaks the upack rules before any request', async () => {
    feedsExist(strictNock());
    const error = await publish(
      testClient(),
      options({ overrides: { name: 'web app', version: '1.x' } }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^Invalid inputs: 2 problems:\n {2}- name "web app" .*\n {2}- version "1\.x" /,
    );
  });

  it('says how to give a name and version when there are none', async () => {
    feedsExist(strictNock());
    const error = await publish(testClient(), options({ overrides: {} })).catch((e) => e);
    expect(error.message).toBe(
      [
        'Invalid inputs: 3 problems:',
        '  - name is required',
        '  - version is required',
        '  - set "name" and "version" as inputs, or give a "manifest" (upack.json) that has them',
      ].join('\n'),
    );
  });

  it('publishes an existing .upack as it is', async () => {
    const built = await buildPackage({
      sourceDir: source,
      manifest: { name: 'tool', version: '2.0.0' },
      outFile: join(temp, 'tool.upack'),
    });
    const scope = feedsExist(strictNock());
    scope.get('/upack/dev-feed/versions').query({ group: '', name: 'tool', version: '2.0.0' }).reply(404, '');
    scope.put('/upack/dev-feed/upload').reply(201, '');
    const client = testClient();
    const upload = vi.spyOn(client.universal, 'upload');
    const result = await publish(
      client,
      options({ path: built.path, overrides: { name: 'tool' }, verify: false }),
    );
    expect(result).toMatchObject({
      outcome: 'published',
      id: { name: 'tool', version: '2.0.0' },
      sha1: built.sha1,
    });
    expect(upload.mock.calls[0]![2]!.knownHashes).toEqual({
      size: built.size,
      sha1: built.sha1,
      sha256: built.sha256,
    });
  });

  it('refuses inputs that would change an existing package', async () => {
    const built = await buildPackage({
      sourceDir: source,
      manifest: { name: 'tool', version: '2.0.0' },
      outFile: join(temp, 'tool.upack'),
    });
    feedsExist(strictNock());
    const error = await publish(
      testClient(),
      options({ path: built.path, overrides: { version: '3.0.0', title: 'T' }, exclude: ['*.log'] }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(
      [
        `Publishing ${built.path}: 3 problems:`,
        '  - "version" is 3.0.0, but the package says 2.0.0',
        '  - "title" cannot change an existing package; give a directory as "path" to build one',
        '  - "include" and "exclude" apply only when "path" is a directory',
      ].join('\n'),
    );
  });

  it('rejects a path that is neither a directory nor a package', async () => {
    feedsExist(strictNock());
    const error = await publish(testClient(), options({ path: join(source, 'README.md') })).catch((e) => e);
    expect(error.message).toBe(
      `Invalid inputs: "path" ${join(source, 'README.md')} must be a directory to package or an existing .upack or .zip file`,
    );
    const missing = await publish(testClient(), options({ path: join(source, 'nope') })).catch((e) => e);
    expect(missing.message).toBe(`Invalid inputs: "path" ${join(source, 'nope')} does not exist`);
  });

  it('turns a 403 on upload into a ProGetError naming the privilege', async () => {
    const scope = feedsExist(strictNock());
    scope.get('/upack/dev-feed/versions').query(VERSION_QUERY).reply(404, '');
    scope
      .put('/upack/dev-feed/upload')
      .reply(403, 'The specified API key does not have the proper permissions');
    const error = await publish(testClient(), options()).catch((e) => e);
    expect(error.name).toBe('ProGetError');
    expect(error.message).toContain('Feeds_AddPackage');
    expect(error.message).not.toContain('unit-test-key');
  });
});
