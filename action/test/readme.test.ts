// The README's inputs and outputs tables must say exactly what each action.yml declares.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(actionDir, 'README.md'), 'utf8');

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

/** The rows of the first table after `### {heading}` inside `## {section}`. */
function tableRows(section: string, heading: string): string[][] {
  const start = readme.indexOf(`\n## ${section}\n`);
  expect(start, `README has a "## ${section}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const body = readme.slice(start, end < 0 ? undefined : end);
  const at = body.indexOf(`\n### ${heading}\n`);
  expect(at, `"## ${section}" has a "### ${heading}" table`).toBeGreaterThanOrEqual(0);
  const lines = body.slice(at).split('\n').slice(2);
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')));
  const rows = table.slice(0, table.findIndex((l) => !l.startsWith('|')) >>> 0).slice(2);
  return rows.map((row) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|')),
  );
}

const unquote = (s: string) => s.replace(/^`(.*)`$/, '$1');

describe.each(['publish', 'promote-check', 'deploy-record', 'audit'])('%s: README and action.yml', (name) => {
  const yml = parse(readFileSync(join(actionDir, name, 'action.yml'), 'utf8')) as ActionYml;

  it('runs the committed bundle on node24', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: `../dist/${name}.js` });
  });

  it('documents every input with its required flag, default and description', () => {
    const rows = tableRows(name, 'Inputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual(Object.keys(yml.inputs));
    for (const [input, required, fallback, description] of rows) {
      const spec = yml.inputs[unquote(input!)]!;
      expect(required, `${name} ${input} required`).toBe(spec.required ? 'yes' : 'no');
      expect(unquote(fallback!), `${name} ${input} default`).toBe(spec.default ?? '');
      expect(description, `${name} ${input} description`).toBe(spec.description);
    }
  });

  it('documents every output with its description', () => {
    const rows = tableRows(name, 'Outputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual(Object.keys(yml.outputs));
    for (const [output, description] of rows) {
      expect(description, `${name} ${output}`).toBe(yml.outputs[unquote(output!)]!.description);
    }
  });
});
