// The defaults in each action.yml (which the runner fills in) and in the input parsers (which apply when an
// input is missing, e.g. when the bundle runs outside a runner) must be the same.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readDeployRecordInputs } from '../src/deploy-record/inputs.js';
import { readPromoteCheckInputs } from '../src/promote-check/inputs.js';
import { readPublishInputs } from '../src/publish/inputs.js';
import { FakeIo, fakeContext } from './helpers/fake-io.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = new Date('2026-11-22T03:00:00Z');

function ymlDefaults(name: string): Record<string, string> {
  const yml = parse(readFileSync(join(actionDir, name, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(yml.inputs)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([input, spec]) => [input, String(spec.default)]),
  );
}

const cases: { name: string; required: Record<string, string>; read: (io: FakeIo) => unknown }[] = [
  {
    name: 'publish',
    required: { server: 'https://p.example.com', feed: 'f', path: '.' },
    read: (io: FakeIo) => readPublishInputs(io, fakeContext()),
  },
  {
    name: 'promote-check',
    required: { server: 'https://p.example.com', 'to-feed': 'f', package: 'a', version: '1.0.0' },
    read: (io: FakeIo) => readPromoteCheckInputs(io, fakeContext()),
  },
  {
    name: 'deploy-record',
    required: { server: 'https://p.example.com', feed: 'f', package: 'a', version: '1.0.0', target: 't' },
    read: (io: FakeIo) => readDeployRecordInputs(io, fakeContext(), NOW),
  },
];

describe.each(cases)('$name defaults', ({ name, required, read }) => {
  it('are the same whether the runner fills in action.yml defaults or not', () => {
    const defaults = ymlDefaults(name);
    expect(Object.keys(defaults).length).toBeGreaterThan(0);
    expect(read(new FakeIo({ ...required, ...defaults }))).toEqual(read(new FakeIo(required)));
  });
});
