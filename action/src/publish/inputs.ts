import { isAbsolute, resolve } from 'node:path';
import { errorSummary } from '@proget-ci/core';
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
}

export function readPublishInputs(source: InputSource, context: RunContext): PublishInputs {
  const inputs = new InputReader(source);
  const connection = readConnection(inputs, context.workspace);
  const feed = inputs.feed('feed', true) ?? '';
  const path = resolveIn(context.workspace, inputs.string('path') ?? '.');
  const manifest = inputs.string('manifest');

  const overrides: ManifestOverrides = {
    name: inputs.string('name'),
    group: inputs.string('group'),
    version: inputs.string('version'),
    title: inputs.string('title'),
    description: inputs.string('description'),
    icon: inputs.string('icon'),
  };
  const tags = inputs.list('tags');
  if (tags.length > 0) overrides.tags = tags;
  const dependencies = inputs.lines('dependencies');
  if (dependencies.length > 0) overrides.dependencies = dependencies;
  const metadata = readMetadata(inputs);
  if (metadata !== undefined) overrides.metadata = metadata;

  const result: PublishInputs = {
    connection,
    feed,
    path,
    manifestPath: manifest === undefined ? undefined : resolveIn(context.workspace, manifest),
    overrides: dropUndefined(overrides),
    include: inputs.lines('include'),
    exclude: inputs.lines('exclude'),
    ifExists: inputs.oneOf('if-exists', ['fail', 'skip', 'overwrite'] as const, 'fail'),
    dryRun: inputs.boolean('dry-run', false),
    verify: inputs.boolean('verify', true),
    uploadArtifact: inputs.boolean('upload-artifact', false),
  };
  inputs.finish();
  return result;
}

/** A YAML (or JSON, which is YAML) map whose keys all start with `_`. */
function readMetadata(inputs: InputReader): Record<string, unknown> | undefined {
  const text = inputs.string('metadata');
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    const reason = errorSummary(e);
    inputs.problem(`"metadata" is not valid YAML or JSON: ${reason}`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    inputs.problem('"metadata" must be a map of properties, e.g. "_team: payments"');
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const bad = Object.keys(record).filter((key) => !key.startsWith('_') || key.length < 2);
  if (bad.length > 0) {
    inputs.problem(
      `"metadata" keys must start with "_" (upack.json allows no other custom properties); got ${bad.map((k) => `"${k}"`).join(', ')}`,
    );
    return undefined;
  }
  return record;
}

function resolveIn(workspace: string, path: string): string {
  return isAbsolute(path) ? path : resolve(workspace, path);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
