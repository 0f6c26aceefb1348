// Bad action inputs: each is refused with its exact error before any network call. Every case runs the
// step in-process with a client that fails on first use; a representative subset also runs the real
// bundle with `server` pointing at a listener that counts connections.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubAction } from '../integration/action/runner.js';
import { bundlesReady, connectionCounter, run, type Scratch, scratch } from './helpers.js';
import { runStepInProcess } from './input-harness.js';

const SERVER = 'https://proget.example.com';
const KEY = 'in-process-key-0000';

interface Case {
  title: string;
  action: SubAction;
  inputs: Record<string, string>;
  /** The exact message the step fails with. */
  error: string;
  /** Also run the real bundle against a connection counter. */
  bundle?: boolean;
  env?: Record<string, string>;
}

const pub = (inputs: Record<string, string>) => ({
  server: SERVER,
  'api-key': KEY,
  feed: 'dev-feed',
  path: 'app',
  name: 'app',
  version: '1.0.0',
  ...inputs,
});
const check = (inputs: Record<string, string>) => ({
  server: SERVER,
  'api-key': KEY,
  'to-feed': 'approved-feed',
  package: 'app',
  version: '1.0.0',
  ...inputs,
});
const deploy = (inputs: Record<string, string>) => ({
  server: SERVER,
  'api-key': KEY,
  feed: 'approved-feed',
  package: 'app',
  version: '1.0.0',
  target: 'production',
  ...inputs,
});

const CASES: Case[] = [
  // ---- names, groups, versions (publish builds the manifest from them) ----
  {
    title: 'path missing (it would pack the whole workspace)',
    action: 'publish',
    inputs: pub({ path: '' }),
    error: 'Invalid inputs: "path" is required (the directory to package, or a .upack or .zip file)',
    bundle: true,
  },
  {
    title: 'name with a letter that is not ASCII',
    action: 'publish',
    inputs: pub({ name: 'café' }),
    error:
      'Invalid inputs: name "café" may contain only letters, digits, \'.\', \'_\' and \'-\' (found "é"); "é" is not an ASCII letter',
    bundle: true,
  },
  {
    title: 'name with a space',
    action: 'publish',
    inputs: pub({ name: 'my package' }),
    error:
      "Invalid inputs: name \"my package\" may contain only letters, digits, '.', '_' and '-' (found \" \")",
    bundle: true,
  },
  {
    title: 'name over 50 characters',
    action: 'publish',
    inputs: pub({ name: 'n'.repeat(51) }),
    error:
      'Invalid inputs: name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" is 51 characters long; the limit is 50',
  },
  {
    title: 'name with a slash',
    action: 'publish',
    inputs: pub({ name: 'a/b' }),
    error: "Invalid inputs: name \"a/b\" may contain only letters, digits, '.', '_' and '-' (found \"/\")",
  },
  {
    title: 'no name anywhere',
    action: 'publish',
    inputs: pub({ name: '' }),
    error:
      'Invalid inputs: 2 problems:\n  - name is required\n  - set "name" and "version" as inputs, or give a "manifest" (upack.json) that has them',
  },
  {
    title: 'group with a leading slash',
    action: 'publish',
    inputs: pub({ group: '/apps' }),
    error: 'Invalid inputs: group "/apps" must not start or end with \'/\'',
  },
  {
    title: 'group with an empty segment',
    action: 'publish',
    inputs: pub({ group: 'apps//x' }),
    error: 'Invalid inputs: group "apps//x" must not contain \'//\' (an empty segment)',
  },
  {
    title: 'group with a space and !',
    action: 'publish',
    inputs: pub({ group: 'my apps!' }),
    error:
      "Invalid inputs: group \"my apps!\" may contain only letters, digits, '.', '_' and '-' and '/' (found \" \", \"!\")",
  },
  {
    title: 'version with two parts',
    action: 'publish',
    inputs: pub({ version: '1.0' }),
    error:
      'Invalid inputs: version "1.0" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  {
    title: 'version with a v prefix',
    action: 'publish',
    inputs: pub({ version: 'v1.2' }),
    error:
      'Invalid inputs: version "v1.2" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  {
    title: 'version with four parts',
    action: 'publish',
    inputs: pub({ version: '1.2.3.4' }),
    error:
      'Invalid inputs: version "1.2.3.4" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  {
    title: 'version with an empty prerelease',
    action: 'publish',
    inputs: pub({ version: '1.0.0-' }),
    error:
      'Invalid inputs: version "1.0.0-" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  {
    title: 'tag with a space',
    action: 'publish',
    inputs: pub({ tags: 'ok, not ok' }),
    error:
      "Invalid inputs: tags[1] \"not ok\" may contain only letters, digits, '.', '_' and '-' (found \" \")",
  },
  {
    title: 'dependency with five parts',
    action: 'publish',
    inputs: pub({ dependencies: 'a:b:1.0.0:x:y' }),
    error:
      'Invalid inputs: dependencies[0] "a:b:1.0.0:x:y" must be name, group/name, group:name, group:name:range or group:name:range:sha1',
  },
  {
    title: 'metadata that sets the name',
    action: 'publish',
    inputs: pub({ metadata: 'name: other' }),
    error: 'Invalid inputs: "metadata" must not set "name"; use the input of that name',
  },
  {
    title: 'metadata that is not YAML',
    action: 'publish',
    inputs: pub({ metadata: 'a: [1, 2' }),
    error:
      'Invalid inputs: "metadata" is not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 9:',
  },
  {
    title: 'path that does not exist',
    action: 'publish',
    inputs: pub({ path: 'missing' }),
    error: 'Invalid inputs: "path" {ws}/missing does not exist',
  },
  {
    title: 'path that is a text file',
    action: 'publish',
    inputs: pub({ path: 'notes.txt' }),
    error:
      'Invalid inputs: "path" {ws}/notes.txt must be a directory to package or an existing .upack or .zip file',
  },
  // ---- feeds ----
  {
    title: 'feed missing',
    action: 'publish',
    inputs: pub({ feed: '' }),
    error: 'Invalid inputs: "feed" is required',
  },
  {
    title: 'feed with a space',
    action: 'publish',
    inputs: pub({ feed: 'dev feed' }),
    error:
      "Invalid inputs: \"feed\" must be a feed name (letters, digits, '.', '_' and '-'); got \"dev feed\"",
    bundle: true,
  },
  {
    title: 'feed that climbs out of the path',
    action: 'publish',
    inputs: pub({ feed: '..' }),
    error: "Invalid inputs: \"feed\" must be a feed name (letters, digits, '.', '_' and '-'); got \"..\"",
  },
  {
    title: 'feed with a slash',
    action: 'deploy-record',
    inputs: deploy({ feed: 'a/b' }),
    error: "Invalid inputs: \"feed\" must be a feed name (letters, digits, '.', '_' and '-'); got \"a/b\"",
  },
  {
    title: 'to-feed with a query character',
    action: 'promote-check',
    inputs: check({ 'to-feed': 'x?y' }),
    error: "Invalid inputs: \"to-feed\" must be a feed name (letters, digits, '.', '_' and '-'); got \"x?y\"",
  },
  {
    title: 'to-feed missing',
    action: 'promote-check',
    inputs: check({ 'to-feed': '' }),
    error: 'Invalid inputs: "to-feed" is required',
  },
  // ---- server URLs ----
  {
    title: 'server missing',
    action: 'publish',
    inputs: pub({ server: '' }),
    error: 'Invalid inputs: "server" is required (or set PROGET_URL in the job\'s env)',
  },
  {
    title: 'server not a URL',
    action: 'publish',
    inputs: pub({ server: 'proget.example.com' }),
    error: 'Invalid inputs: "server" is not a valid URL; got "proget.example.com"',
  },
  {
    title: 'server with ftp',
    action: 'promote-check',
    inputs: check({ server: 'ftp://proget.example.com' }),
    error: 'Invalid inputs: "server" must be an http:// or https:// URL; got "ftp://proget.example.com"',
  },
  {
    title: 'server with credentials',
    action: 'deploy-record',
    inputs: deploy({ server: 'https://u:p4ss@proget.example.com' }),
    error:
      'Invalid inputs: "server" must not contain credentials; pass the key in "api-key" (or use "username" and "password")',
    bundle: true,
  },
  {
    title: 'server with a query',
    action: 'publish',
    inputs: pub({ server: 'https://proget.example.com/?key=abc' }),
    error:
      'Invalid inputs: "server" must not have a query string or fragment; got "https://proget.example.com/?…"',
  },
  {
    title: 'deployment url with javascript:',
    action: 'deploy-record',
    inputs: deploy({ url: 'javascript:alert(1)' }),
    error: 'Invalid inputs: "url" must be an http:// or https:// URL; got "javascript:alert(1)"',
  },
  // ---- timeouts and numbers ----
  {
    title: 'timeout zero',
    action: 'publish',
    inputs: pub({ timeout: '0' }),
    error: 'Invalid inputs: "timeout" must be a number of seconds greater than 0 and at most 86400; got "0"',
  },
  {
    title: 'timeout not a number',
    action: 'publish',
    inputs: pub({ timeout: 'soon' }),
    error:
      'Invalid inputs: "timeout" must be a number of seconds greater than 0 and at most 86400; got "soon"',
    bundle: true,
  },
  {
    title: 'timeout negative',
    action: 'promote-check',
    inputs: check({ timeout: '-5' }),
    error: 'Invalid inputs: "timeout" must be a number of seconds greater than 0 and at most 86400; got "-5"',
  },
  {
    title: 'timeout over a day',
    action: 'deploy-record',
    inputs: deploy({ timeout: '90000' }),
    error:
      'Invalid inputs: "timeout" must be a number of seconds greater than 0 and at most 86400; got "90000"',
  },
  {
    title: 'retries above 10',
    action: 'publish',
    inputs: pub({ retries: '11' }),
    error: 'Invalid inputs: "retries" must be a whole number from 0 to 10; got "11"',
  },
  {
    title: 'retries fractional',
    action: 'publish',
    inputs: pub({ retries: '1.5' }),
    error: 'Invalid inputs: "retries" must be a whole number from 0 to 10; got "1.5"',
  },
  {
    title: 'wait-timeout negative',
    action: 'promote-check',
    inputs: check({ 'wait-timeout': '-1' }),
    error: 'Invalid inputs: "wait-timeout" must be a number of seconds from 0 to 86400; got "-1"',
  },
  {
    title: 'poll-interval zero',
    action: 'promote-check',
    inputs: check({ 'poll-interval': '0' }),
    error:
      'Invalid inputs: "poll-interval" must be a number of seconds greater than 0 and at most 86400; got "0"',
  },
  // ---- booleans and choices ----
  {
    title: 'dry-run maybe',
    action: 'publish',
    inputs: pub({ 'dry-run': 'maybe' }),
    error: 'Invalid inputs: "dry-run" must be one of true, false, yes, no, 1, 0; got "maybe"',
  },
  {
    title: 'verify ja',
    action: 'publish',
    inputs: pub({ verify: 'ja' }),
    error: 'Invalid inputs: "verify" must be one of true, false, yes, no, 1, 0; got "ja"',
  },
  {
    title: 'insecure-tls on',
    action: 'promote-check',
    inputs: check({ 'insecure-tls': 'on' }),
    error: 'Invalid inputs: "insecure-tls" must be one of true, false, yes, no, 1, 0; got "on"',
  },
  {
    title: 'if-exists replace',
    action: 'publish',
    inputs: pub({ 'if-exists': 'replace' }),
    error: 'Invalid inputs: "if-exists" must be one of fail, skip, overwrite; got "replace"',
  },
  {
    title: 'mode strict',
    action: 'promote-check',
    inputs: check({ mode: 'strict' }),
    error: 'Invalid inputs: "mode" must be one of fail, warn; got "strict"',
  },
  // ---- credentials ----
  {
    title: 'api-key and username',
    action: 'publish',
    inputs: pub({ username: 'u', password: 'p4ss' }),
    error: 'Invalid inputs: use either "api-key" or "username" and "password", not both',
  },
  {
    title: 'username without password',
    action: 'deploy-record',
    inputs: deploy({ 'api-key': '', username: 'u' }),
    error: 'Invalid inputs: "password" is required when "username" is set',
  },
  {
    title: 'ca-cert that does not exist',
    action: 'publish',
    inputs: pub({ 'ca-cert': 'certs/none.pem' }),
    error: 'Invalid inputs: "ca-cert" file not found: {ws}/certs/none.pem',
  },
  // ---- packages lines ----
  {
    title: 'packages line without @',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: 'app' }),
    error:
      'Invalid inputs: "packages" line 1: expected group/name@version (or group:name:version), got "app"',
    bundle: true,
  },
  {
    title: 'packages line without version',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: 'app@' }),
    error:
      'Invalid inputs: "packages" line 1: expected group/name@version (or group:name:version), got "app@"',
  },
  {
    title: 'packages line with a bad name',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: 'good@1.0.0\nbad name@1.0.0' }),
    error:
      'Invalid inputs: "packages" line 2: name "bad name" may contain only letters, digits, \'.\', \'_\' and \'-\' (found " ")',
  },
  {
    title: 'packages line with a bad group',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: 'apps//x/app@1.0.0' }),
    error: 'Invalid inputs: "packages" line 1: group "apps//x" must not contain \'//\' (an empty segment)',
  },
  {
    title: 'packages line with a bad version',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: '# release\napp@1.0' }),
    error:
      'Invalid inputs: "packages" line 2: version "1.0" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  {
    title: 'packages only comments',
    action: 'promote-check',
    inputs: check({ package: '', version: '', packages: '# nothing\n\n' }),
    error: 'Invalid inputs: "packages" lists no package (only blank lines and comments)',
  },
  {
    title: 'packages and package both',
    action: 'promote-check',
    inputs: check({ packages: 'app@1.0.0' }),
    error: 'Invalid inputs: set only one of "packages", "package" or "manifest"',
  },
  {
    title: 'package without version',
    action: 'promote-check',
    inputs: check({ version: '' }),
    error: 'Invalid inputs: "version" is required with "package"',
  },
  {
    title: 'version latest for a deployment',
    action: 'deploy-record',
    inputs: deploy({ version: 'latest' }),
    error:
      'Invalid inputs: "version" "latest" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
  },
  // ---- dates and targets ----
  {
    title: 'date with month 13',
    action: 'deploy-record',
    inputs: deploy({ date: '2024-13-01' }),
    error: 'Invalid inputs: "date" must be an ISO-8601 date, e.g. 2024-05-01T12:30:00Z; got "2024-13-01"',
  },
  {
    title: 'date in words',
    action: 'deploy-record',
    inputs: deploy({ date: 'yesterday' }),
    error: 'Invalid inputs: "date" must be an ISO-8601 date, e.g. 2024-05-01T12:30:00Z; got "yesterday"',
  },
  {
    title: 'target missing',
    action: 'deploy-record',
    inputs: deploy({ target: '' }),
    error:
      'Invalid inputs: "target" is required: the runner does not tell actions which environment the job deploys to (only a `deployment` event names one); set it to the environment or server name',
  },
  // ---- several at once ----
  {
    title: 'three problems reported together',
    action: 'deploy-record',
    inputs: deploy({ feed: '', version: '1.0', timeout: 'x' }),
    error:
      'Invalid inputs: 3 problems:\n  - "timeout" must be a number of seconds greater than 0 and at most 86400; got "x"\n  - "feed" is required\n  - "version" "1.0" must be a SemVer 2 version: MAJOR.MINOR.PATCH with an optional -prerelease and +build made of dot-separated identifiers of letters, digits and \'-\' (e.g. 1.2.3 or 1.2.3-beta.1+build.5)',
    bundle: true,
  },
];

let ws: Scratch;

beforeAll(async () => {
  await bundlesReady();
  ws = await scratch('inputs');
  await mkdir(join(ws.path, 'app'));
  await writeFile(join(ws.path, 'app', 'readme.md'), '# app\n');
  await writeFile(join(ws.path, 'notes.txt'), 'not a package\n');
});

afterAll(async () => {
  await ws?.remove();
});

describe('bad action inputs are refused before any network call', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$action: $title', async (c) => {
    const outcome = await runStepInProcess(c.action, c.inputs, { workspace: ws.path, env: c.env });
    expect(outcome.clientUses.filter((u) => u !== 'createClient')).toEqual([]);
    expect(outcome.failed).toBe(c.error.replaceAll('{ws}', ws.path));
  });

  it.concurrent.each(CASES.filter((c) => c.bundle))('bundle $action: $title', async (c) => {
    const counter = await connectionCounter();
    try {
      const inputs = { ...c.inputs, server: c.inputs.server === SERVER ? counter.url : c.inputs.server };
      const r = await run(c.action, { workspace: ws.path, inputs, env: c.env });
      expect(counter.connections()).toBe(0);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual([c.error.replaceAll(SERVER, counter.url).replaceAll('{ws}', ws.path)]);
    } finally {
      await counter.close();
    }
  });

  it('the counter does see a connection when the inputs are good (control)', async () => {
    const counter = await connectionCounter();
    try {
      const r = await run('publish', {
        workspace: ws.path,
        inputs: { ...pub({ retries: '0' }), server: counter.url },
      });
      expect(r.exitCode).toBe(1);
      expect(counter.connections()).toBeGreaterThan(0);
    } finally {
      await counter.close();
    }
  });

  it('the tripwire client does trip when the inputs are good (control)', async () => {
    const outcome = await runStepInProcess('publish', pub({}), { workspace: ws.path });
    expect(outcome.clientUses).toEqual(['createClient', 'read baseUrl']);
    expect(outcome.failed).toMatch(/^Unexpected error: the step used the ProGet client \(baseUrl\)/);
  });
});
