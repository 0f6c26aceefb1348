import { isAbsolute, resolve } from 'node:path';
import { errorSummary, validateVersion } from '@proget-ci/core';
import { parse as parseYaml } from 'yaml';
import { type ConnectionInputs, readConnection } from '../shared/connection-inputs.js';
import type { RunContext } from '../shared/context.js';
import { InputReader, type InputSource } from '../shared/input-reader.js';

export type IfExists = 'fail' | 'skip' | 'overwrite';

/** Manifest fields given as inputs; each one set overrides the manifest file. */
export interface ManifestOverrides {
  name?: string;
  group?: string;
  version?: string;
  title?: string;
  description?: string;
  icon?: string;
  tags?: string[];
  dependencies?: string[];
  /** Extra `_`-prefixed properties. */
  metadata?: Record<string, unknown>;
}

export interface PublishInputs {
  connection: ConnectionInputs;
  feed: string;
  /** Absolute: a directory to package, or an existing .upack/.zip. */
  path: string;
  /** Absolute path of a upack.json to take metadata from. */
  manifestPath?: string;
  overrides: ManifestOverrides;
  include: string[];
  exclude: string[];
  ifExists: IfExists;
  dryRun: boolean;
  verify: boolean;
  uploadArtifact: boolean;
  /** Big packages go through this asset directory (multipart, then import); undefined = always the plain PUT. */
  assetDirectory?: string;
  /** Packages larger than this many bytes use the asset directory. */
  multipartThreshold: number;
  /** Things the step should tell people as notices (a tag's `v` dropped, metadata without `_`). */
  notices: string[];
}

export function readPublishInputs(source: InputSource, context: RunContext): PublishInputs {
  const inputs = new InputReader(source);
  const connection = readConnection(inputs, context.workspace, context.connectionEnv);
  const feed = inputs.feed('feed', true) ?? '';
  // Required: packing "." would take the whole workspace (node_modules, build output) without a word.
  const pathValue = inputs.required('path', ' (the directory to package, or a .upack or .zip file)');
  const path = resolveIn(context.workspace, pathValue ?? '.');
  const notices: string[] = [];
  const manifest = inputs.string('manifest');

  const overrides: ManifestOverrides = {
    name: inputs.string('name'),
    group: inputs.string('group'),
    version: readVersion(inputs, notices),
    title: inputs.string('title'),
    description: inputs.string('description'),
    icon: inputs.string('icon'),
  };
  const tags = inputs.list('tags');
  if (tags.length > 0) overrides.tags = tags;
  const dependencies = inputs.lines('dependencies');
  if (dependencies.length > 0) overrides.dependencies = dependencies;
  const metadata = readMetadata(inputs, notices);
  if (metadata !== undefined) overrides.metadata = metadata;

  const result: PublishInputs = {
    connection,
    feed,
    path,
    manifestPath: manifest === undefined ? undefined : resolveIn(context.workspace, manifest),
    overrides: dropUndefined(overrides),
    ...readFilters(inputs),
    ifExists: inputs.oneOf('if-exists', ['fail', 'skip', 'overwrite'] as const, 'fail'),
    dryRun: inputs.boolean('dry-run', false),
    verify: inputs.boolean('verify', true),
    uploadArtifact: inputs.boolean('upload-artifact', false),
    assetDirectory: readAssetDirectory(inputs),
    multipartThreshold: inputs.bytes('multipart-threshold', DEFAULT_MULTIPART_THRESHOLD),
    notices,
  };
  inputs.finish();
  return result;
}

/** 256 MiB, as in action.yml: below it a failed PUT is cheap to repeat. */
export const DEFAULT_MULTIPART_THRESHOLD = 256 * 1024 * 1024;

/** An asset directory is named in a URL path segment (`/endpoints/{name}/...`): a name, not a path. */
function readAssetDirectory(inputs: InputReader): string | undefined {
  const value = inputs.string('asset-directory');
  if (value !== undefined && /[/\\?#%]/.test(value)) {
    inputs.problem(
      `"asset-directory" must be the name of an asset directory (a feed of type Asset in ProGet), not a path or URL; got "${value}"`,
    );
    return undefined;
  }
  return value;
}

/** `include` lines starting with `!` exclude, as in upload-artifact's `path`. */
function readFilters(inputs: InputReader): { include: string[]; exclude: string[] } {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const line of inputs.lines('include')) {
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1).trim() : line;
    if (pattern === '') inputs.problem(`"include" has a "!" with no pattern after it`);
    else (negated ? exclude : include).push(pattern);
  }
  for (const line of inputs.lines('exclude')) {
    if (line.startsWith('!')) {
      inputs.problem(
        `"exclude" cannot re-include ("${line}"); list the files to keep in "include" and the ones to leave out with "!pattern" there`,
      );
    } else exclude.push(line);
  }
  return { include, exclude };
}

/** A tag such as `v1.2.3` (e.g. `github.ref_name`) publishes `1.2.3`: universal versions have no `v`. */
function readVersion(inputs: InputReader, notices: string[]): string | undefined {
  const version = inputs.string('version');
  if (version === undefined || !/^[vV]\d/.test(version)) return version;
  const bare = version.slice(1);
  if (validateVersion(bare) !== undefined) return version;
  notices.push(
    `"version" is ${version}, a tag name: publishing version ${bare} (universal versions have no "v").`,
  );
  return bare;
}

// Fields that have inputs of their own: `metadata` must not change a package's identity behind them.
const IDENTITY_KEYS = ['name', 'group', 'version'];

/** A YAML (or JSON, which is YAML) map of extra properties; ProGet recommends `_` for custom ones. */
function readMetadata(inputs: InputReader, notices: string[]): Record<string, unknown> | undefined {
  const text = inputs.string('metadata');
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    inputs.problem(`"metadata" is not valid YAML or JSON: ${errorSummary(e)}`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    inputs.problem('"metadata" must be a map of properties, e.g. "_team: payments"');
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const bad = keys.filter((key) => key === '_' || key.trim() === '');
  if (bad.length > 0) {
    inputs.problem(`"metadata" keys must be property names; got ${bad.map((k) => `"${k}"`).join(', ')}`);
    return undefined;
  }
  const identity = keys.filter((key) => IDENTITY_KEYS.includes(key));
  if (identity.length > 0) {
    inputs.problem(
      `"metadata" must not set ${identity.map((k) => `"${k}"`).join(', ')}; use the input${identity.length > 1 ? 's' : ''} of that name`,
    );
    return undefined;
  }
  const plain = keys.filter((key) => !key.startsWith('_'));
  if (plain.length > 0) {
    notices.push(
      `"metadata" sets ${plain.map((k) => `"${k}"`).join(', ')} without the "_" prefix; ProGet recommends "_" for custom properties (e.g. "_${plain[0]}") so they never clash with a future manifest field.`,
    );
  }
  return record;
}

function resolveIn(workspace: string, path: string): string {
  return isAbsolute(path) ? path : resolve(workspace, path);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
