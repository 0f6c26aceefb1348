import { describe, expect, it } from 'vitest';
import { inInputTerms } from '../src/shared/input-words.js';

describe('inInputTerms', () => {
  it.each([
    [
      'no complete response within 500 ms (timeoutMs)',
      'no complete response within 500 ms (the "timeout" input)',
    ],
    [
      'WARNING: TLS certificate verification is DISABLED (insecureTls). Use caCertPath to trust a private CA instead.',
      'WARNING: TLS certificate verification is DISABLED (insecure-tls). Use the "ca-cert" input to trust a private CA instead.',
    ],
    [
      "give its CA certificate (PEM file) as caCertPath (the action's ca-cert input), or name that file",
      'give its CA certificate (PEM file) as the "ca-cert" input, or name that file',
    ],
    [
      'name "café" may contain only letters, digits (found "é")',
      'name "café" may contain only letters, digits (found "é"); "é" is not an ASCII letter',
    ],
    ['name "a b" may contain only letters (found " ")', 'name "a b" may contain only letters (found " ")'],
  ])('%s', (core, action) => {
    expect(inInputTerms(core)).toBe(action);
  });
});
