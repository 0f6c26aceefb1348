import { PackageFormatError, ProGetError, ValidationError } from '@proget-ci/core';
import { describe, expect, it } from 'vitest';
import { StepError } from '../src/shared/errors.js';
import { runStep } from '../src/shared/run-step.js';
import { FakeIo } from './helpers/fake-io.js';

describe('runStep', () => {
  it('reports a ProGetError as its message with the hint, the stack only in debug', async () => {
    const io = new FakeIo();
    const error = new ProGetError({
      kind: 'forbidden',
      message: 'Could not upload',
      status: 403,
      method: 'PUT',
      url: 'https://proget.example.com/upack/dev-feed/upload',
      hint: 'The key needs Feeds_AddPackage on feed "dev-feed".',
    });
    await runStep(io, async () => {
      throw error;
    });
    expect(io.failed).toBe(
      'Could not upload (PUT https://proget.example.com/upack/dev-feed/upload → 403)\nHint: The key needs Feeds_AddPackage on feed "dev-feed".',
    );
    expect(io.failed).not.toContain('    at ');
    expect(io.logs.some((l) => l.level === 'debug' && l.message.includes('    at '))).toBe(true);
  });

  it.each([
    new ValidationError('Invalid inputs', ['"feed" is required']),
    new PackageFormatError('x.upack: is not a readable zip file'),
    new StepError('app 1.0.0 already exists in dev-feed; set if-exists: skip or overwrite'),
  ])('reports the expected error %s as its message only', async (error) => {
    const io = new FakeIo();
    await runStep(io, async () => {
      throw error;
    });
    expect(io.failed).toBe(error.message);
  });

  it('reports anything else as a bug', async () => {
    const io = new FakeIo();
    await runStep(io, async () => {
      throw new TypeError('x is undefined');
    });
    expect(io.failed).toBe(
      'Unexpected error: x is undefined\nThis is a bug in proget-ci; re-run with debug logging (ACTIONS_STEP_DEBUG) for the stack trace and report it.',
    );
  });

  it('does nothing more when the step succeeds', async () => {
    const io = new FakeIo();
    await runStep(io, async () => {});
    expect(io.failed).toBeUndefined();
  });
});
