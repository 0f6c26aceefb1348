import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import nock from 'nock';
import type { StepLogger } from '../../src/shared/io.js';

export const SERVER = 'http://proget.test';
export const KEY = 'unit-test-key-5c1d';

export function testClient(): ProGetClient {
  return new ProGetClient({ url: SERVER, apiKey: KEY, retries: 0, retryBaseDelayMs: 1 });
}

/** Every request must be matched by an interceptor: an unexpected call fails the test. */
export function strictNock(): nock.Scope {
  nock.disableNetConnect();
  return nock(SERVER, { reqheaders: { 'x-apikey': KEY } });
}

export class MemoryLogger implements StepLogger {
  readonly lines: string[] = [];
  info(m: string) {
    this.lines.push(`info: ${m}`);
  }
  debug(m: string) {
    this.lines.push(`debug: ${m}`);
  }
  warning(m: string) {
    this.lines.push(`warning: ${m}`);
  }
}

const dirs: string[] = [];

export async function tempDir(prefix = 'action-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/**
 * The steps ask whether a feed exists before anything else. Tests about other behaviour answer "it does"
 * for any feed, optionally (a test that never gets that far does not fail for it).
 */
export function feedsExist(scope: nock.Scope, deploymentRecordsEnabled = true): nock.Scope {
  return scope
    .get(/^\/api\/management\/feeds\/get\/[^/?]+$/)
    .optionally()
    .times(10)
    .reply(200, (uri) => ({
      name: decodeURIComponent(uri.split('/').pop()!),
      feedType: 'universal',
      active: true,
      deploymentRecordsEnabled,
    }));
}

/** The Universal Feed API's answer to "is this version in the feed?" (the steps ask before acting). */
export function versionIn(
  scope: nock.Scope,
  feed: string,
  id: { group?: string; name: string; version: string },
  exists: boolean,
): nock.Scope {
  return scope
    .get(`/upack/${feed}/versions`)
    .query({ ...(id.group ? { group: id.group } : {}), name: id.name, version: id.version })
    .reply(200, exists ? [{ ...id, downloads: 0 }] : []);
}
