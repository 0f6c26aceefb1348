// The audit step's inputs: where the SBOM comes from, which ProGet project and build it becomes, and when
// the step fails. Every problem is reported at once, before any file is read or any request sent.

import { type ConnectionInputs, readConnection } from '../shared/connection-inputs.js';
import type { RunContext } from '../shared/context.js';
import { InputReader, type InputSource } from '../shared/input-reader.js';

export const FAIL_ON = ['noncompliant', 'warn', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface AuditInputs {
  connection: ConnectionInputs;
  /** File paths or globs, relative to the workspace (empty when `generate`). */
  sbom: string[];
  generate: boolean;
  /** Lockfiles to read when generating (relative to the workspace); empty: find them. */
  lockfiles: string[];
  project: string;
  version: string;
  stage?: string;
  failOn: FailOn;
  /** Where to write SARIF, relative to the workspace. */
  sarif?: string;
}

// ProGet keeps project names and build numbers as text; a line break or a control character would only
// ever be a mistake in a workflow file.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function readAuditInputs(source: InputSource, context: RunContext): AuditInputs {
  const inputs = new InputReader(source);
  const connection = readConnection(inputs, context.workspace, context.connectionEnv);
  const sbom = inputs.list('sbom');
  const generate = inputs.boolean('generate', false);
  const lockfiles = inputs.list('lockfiles');
  if (generate && sbom.length > 0) {
    inputs.problem(
      'give either "sbom" (CycloneDX files) or "generate: true" (an SBOM from lockfiles), not both',
    );
  } else if (!generate && sbom.length === 0) {
    inputs.problem(
      '"sbom" is required: name one or more CycloneDX files (or globs), or set "generate: true" to build one from the lockfiles',
    );
  }
  if (!generate && lockfiles.length > 0) inputs.problem('"lockfiles" is only read with "generate: true"');

  const project = inputs.string('project') ?? defaultProject(context);
  if (project === undefined) {
    inputs.problem('"project" is required: the run does not name its repository (GITHUB_REPOSITORY)');
  }
  const version = inputs.string('version') ?? defaultVersion(context);
  if (version === undefined) {
    inputs.problem('"version" is required: the run names no ref (GITHUB_REF) to take it from');
  }
  for (const [name, value] of [
    ['project', project],
    ['version', version],
    ['stage', inputs.string('stage')],
  ] as const) {
    if (value !== undefined && (CONTROL.test(value) || value.length > 200)) {
      inputs.problem(`"${name}" must be one line of at most 200 characters`);
    }
  }
  const stage = inputs.string('stage');
  const failOn = inputs.oneOf('fail-on', FAIL_ON, 'noncompliant');
  const sarif = inputs.string('sarif');
  inputs.finish();
  return {
    connection,
    sbom,
    generate,
    lockfiles,
    project: project ?? '',
    version: version ?? '',
    ...(stage === undefined ? {} : { stage }),
    failOn,
    ...(sarif === undefined ? {} : { sarif }),
  };
}

/** The repository's name without its owner: `acme/app` → `app`. */
export function defaultProject(context: Pick<RunContext, 'repository'>): string | undefined {
  const name = context.repository?.split('/').at(-1);
  return name === undefined || name === '' ? undefined : name;
}

/**
 * From the ref: a tag `v1.2.3` → `1.2.3` (other tags as they are), a branch → `<branch>-<short sha>`
 * (`/` in the branch name becomes `-`), a pull request → `pr-<number>-<short sha>`.
 */
export function defaultVersion(context: Pick<RunContext, 'ref' | 'sha'>): string | undefined {
  const ref = context.ref;
  if (ref === undefined) return undefined;
  const short = context.sha?.slice(0, 7);
  const suffix = short ? `-${short}` : '';
  const tag = /^refs\/tags\/(.+)$/.exec(ref)?.[1];
  if (tag !== undefined) return /^v\d/.test(tag) ? tag.slice(1) : tag;
  const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
  if (branch !== undefined) return `${branch.replace(/\//g, '-')}${suffix}`;
  const pull = /^refs\/pull\/(\d+)\//.exec(ref)?.[1];
  if (pull !== undefined) return `pr-${pull}${suffix}`;
  return `${ref.replace(/^refs\//, '').replace(/\//g, '-')}${suffix}`;
}
