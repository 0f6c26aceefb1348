// Where publish's upack.json comes from: a manifest file, then provenance of this run, then the inputs.

import { readFile } from 'node:fs/promises';
import { PROGET_CI_VERSION, type UpackManifest, ValidationError, validateManifest } from '@proget-ci/core';
import type { RunContext } from './context.js';
import type { ManifestOverrides } from './inputs/publish.js';

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
    throw new ValidationError('upack.json', hint);
  }
  return manifest as unknown as UpackManifest;
}

export async function readManifestFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ValidationError('manifest', [
      code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? String(e)})`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ValidationError('manifest', [`${path} is not valid JSON: ${(e as Error).message}`]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('manifest', [`${path} must hold a JSON object`]);
  }
  return value as Record<string, unknown>;
}
