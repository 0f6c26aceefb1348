import { isAbsolute, resolve } from 'node:path';
import { type PackageVersionId, validateGroup, validatePackageName, validateVersion } from '@proget-ci/core';
import { type ConnectionInputs, readConnection } from '../shared/connection-inputs.js';
import type { RunContext } from '../shared/context.js';
import { InputReader, type InputSource } from '../shared/input-reader.js';
import { parsePackageRef } from './package-ref.js';

export type CheckMode = 'fail' | 'warn';

/** Which packages to check: listed in the inputs, or read from a upack.json when the step runs. */
export type PackageSelection =
  | { kind: 'list'; packages: PackageVersionId[] }
  | { kind: 'manifest'; path: string; checkDependencies: boolean };

export interface PromoteCheckInputs {
  connection: ConnectionInputs;
  selection: PackageSelection;
  fromFeed?: string;
  toFeed: string;
  requireInTarget: boolean;
  mode: CheckMode;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  /** Also read each version's compliance verdict and vulnerabilities; noncompliant ones fail per `mode`. */
  compliance: boolean;
  /** Post (or update) one sticky comment on the pull request. */
  commentOnPr: boolean;
  /** `github-token`, else GITHUB_TOKEN from the job's env; read only for `comment-on-pr`. */
  githubToken?: string;
}

export function readPromoteCheckInputs(source: InputSource, context: RunContext): PromoteCheckInputs {
  const inputs = new InputReader(source);
  const connection = readConnection(inputs, context.workspace, context.connectionEnv);
  const selection = readSelection(inputs, context.workspace);
  const fromFeed = inputs.feed('from-feed', false);
  const toFeed = inputs.feed('to-feed', true) ?? '';
  if (fromFeed !== undefined && fromFeed.toLowerCase() === toFeed.toLowerCase()) {
    inputs.problem(
      `"from-feed" and "to-feed" are both ${toFeed}; a promotion goes from one feed to another (leave "from-feed" unset to accept any source)`,
    );
  }
  const result: PromoteCheckInputs = {
    connection,
    selection,
    fromFeed,
    toFeed,
    requireInTarget: inputs.boolean('require-in-target', true),
    mode: inputs.oneOf('mode', ['fail', 'warn'] as const, 'fail'),
    waitTimeoutMs: inputs.seconds('wait-timeout', 0, true) ?? 0,
    pollIntervalMs: inputs.seconds('poll-interval', 10, false) ?? 10_000,
    compliance: inputs.boolean('compliance', false),
    commentOnPr: inputs.boolean('comment-on-pr', false),
  };
  const token = inputs.secret('github-token');
  if (result.commentOnPr) result.githubToken = token ?? inputs.secretValue(context.githubToken);
  inputs.finish();
  return result;
}

function readSelection(inputs: InputReader, workspace: string): PackageSelection {
  const lines = inputs.rawLines('packages');
  const name = inputs.string('package');
  const group = inputs.string('group');
  const version = inputs.string('version');
  const manifest = inputs.string('manifest');
  const checkDependencies = inputs.boolean('check-dependencies', false);

  const given = [lines.some((l) => l.trim() !== ''), name !== undefined, manifest !== undefined].filter(
    Boolean,
  ).length;
  if (given !== 1) {
    inputs.problem(
      given === 0
        ? 'set one of "packages", "package" (with "version") or "manifest" to say what to check'
        : 'set only one of "packages", "package" or "manifest"',
    );
    return { kind: 'list', packages: [] };
  }
  if (checkDependencies && manifest === undefined) {
    inputs.problem('"check-dependencies" needs "manifest" (the upack.json whose dependencies to check)');
  }
  if (manifest !== undefined) {
    if (group !== undefined || version !== undefined) {
      inputs.problem('"group" and "version" go with "package", not "manifest"');
    }
    return {
      kind: 'manifest',
      path: isAbsolute(manifest) ? manifest : resolve(workspace, manifest),
      checkDependencies,
    };
  }
  if (name !== undefined) {
    const problems = [
      validatePackageName(name, '"package"'),
      group === undefined ? undefined : validateGroup(group, '"group"'),
      version === undefined ? '"version" is required with "package"' : validateVersion(version, '"version"'),
    ].filter((p): p is string => p !== undefined);
    for (const p of problems) inputs.problem(p);
    if (problems.length > 0) return { kind: 'list', packages: [] };
    return {
      kind: 'list',
      packages: [{ ...(group === undefined ? {} : { group }), name, version: version! }],
    };
  }
  if (group !== undefined || version !== undefined) {
    inputs.problem('"group" and "version" go with "package", not "packages"');
  }
  const packages: PackageVersionId[] = [];
  lines.forEach((raw, index) => {
    // A trailing `# comment`, and several references on one line separated by commas.
    const line = raw.replace(/#.*$/, '').trim();
    for (const item of line.split(',').map((i) => i.trim())) {
      if (item === '') continue;
      const parsed = parsePackageRef(item);
      if (typeof parsed === 'string') {
        const quoted = item === line ? '' : ` ("${line}")`;
        inputs.problem(`"packages" line ${index + 1}${quoted}: ${parsed}`);
      } else packages.push(parsed);
    }
  });
  if (packages.length === 0 && inputs.problems.length === 0) {
    inputs.problem('"packages" lists no package (only blank lines and comments)');
  }
  return { kind: 'list', packages: dedupe(packages) };
}

function dedupe(packages: PackageVersionId[]): PackageVersionId[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${(p.group ?? '').toLowerCase()}/${p.name.toLowerCase()}@${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
