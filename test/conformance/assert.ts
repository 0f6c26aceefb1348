// Small assertions for checks: each failure says what was expected and what came back.

import { isProGetError, type ProGetErrorKind } from '@proget-ci/core';
import { Skip } from './types.js';

export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new CheckFailed(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function skip(reason: string): never {
  throw new Skip(reason);
}

/** The promise must fail with a ProGetError of one of these kinds. */
export async function rejectsWith(
  promise: Promise<unknown>,
  kinds: ProGetErrorKind[],
  what: string,
): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    if (kinds.some((k) => isProGetError(e, k))) return e;
    const got = isProGetError(e) ? `${e.kind}: ${e.summary}` : e instanceof Error ? e.message : String(e);
    throw new CheckFailed(`${what}: expected a ${kinds.join(' or ')} error, got ${got}`);
  }
  throw new CheckFailed(`${what}: expected a ${kinds.join(' or ')} error, but it succeeded`);
}

/** Skip when the key lacks the privilege, so a narrow key gives skips rather than failures. */
export function skipIfForbidden(e: unknown, privilege: string): void {
  if (isProGetError(e, 'forbidden') || isProGetError(e, 'unauthorized'))
    skip(`the key lacks ${privilege} (${(e as Error).message.split('\n')[0]})`);
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}
