// Where publish's upack.json comes from: a manifest file, then provenance of this run, then the inputs.

import { PROGET_CI_VERSION, type UpackManifest, ValidationError, validateManifest } from '@proget-ci/core';
import type { RunContext } from '../shared/context.js';
import type { ManifestOverrides } from './inputs.js';

/** What this run says about how the package was made. */
export function provenance(context: RunContext, now: Date): Partial<UpackManifest> {
  const reason = [context.workflow ?? 'GitHub Actions', context.runNumber ? `run #${context.runNumber}` : '']
    .filter(Boolean)
    .join(' ');
  const out: Record<string, unknown> = {
    createdDate: now.toISOString(),
    createdUsing: `proget-ci/${PROGET_CI_VERSION}`,
    createdBy: context.actor,
    createdReason: context.runUrl ? `${reason} (${context.runUrl})` : reason,
    _repository: context.repository ? `${context.serverUrl}/${context.repository}` : undefined,
    _commit: context.sha,
    _runUrl: context.runUrl,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<UpackManifest>;
}

/** File, then provenance, then inputs; `metadata` adds `_` properties; the result is validated. */
export function composeManifest(
  file: Record<string, unknown> | undefined,
  made: Partial<UpackManifest>,
  overrides: ManifestOverrides,
): UpackManifest {
  const { metadata, ...fields } = overrides;
  const manifest = { ...(file ?? {}), ...made, ...fields, ...(metadata ?? {}) } as Record<string, unknown>;
  const problems = validateManifest(manifest);
  if (problems.length > 0) {
    const hint = problems.some((p) => p.startsWith('name is required') || p.startsWith('version is required'))
      ? [...problems, 'set "name" and "version" as inputs, or give a "manifest" (upack.json) that has them']
      : problems;
    // Without a upack.json every field came from the inputs (or this run): say so, not "upack.json".
    throw new ValidationError(file === undefined ? 'Invalid inputs' : 'upack.json', hint);
  }
  return manifest as unknown as UpackManifest;
}
