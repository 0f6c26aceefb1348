import { describe, expect, it } from 'vitest';
import { keyLines, pathKey } from '../../src/sbom/lockfiles/json-lines.js';

describe('keyLines', () => {
  const text = [
    '{',
    '  "a": { "x": 1,',
    '    "y": [ { "z": "}{,\\"" }, { "z": 2, "w": {} } ] },',
    '  "b\\u0041": {',
    '    "x": "line 5"',
    '  }',
    '}',
  ].join('\n');

  it('finds keys at the wanted paths with their lines, through arrays, escapes and brackets in strings', () => {
    const all = keyLines(text, () => true);
    expect(all.get(pathKey('a'))).toBe(2);
    expect(all.get(pathKey('a', 'x'))).toBe(2);
    expect(all.get(pathKey('a', 'y'))).toBe(3);
    expect(all.get(pathKey('a', 'y', 0, 'z'))).toBe(3);
    expect(all.get(pathKey('a', 'y', 1, 'z'))).toBe(3);
    expect(all.get(pathKey('a', 'y', 1, 'w'))).toBe(3);
    expect(all.get(pathKey('bA'))).toBe(4);
    expect(all.get(pathKey('bA', 'x'))).toBe(5);
    expect(all.size).toBe(8);
  });

  it('keeps only the paths asked for', () => {
    const some = keyLines(text, (path) => path.length === 1 && path[0] === 'bA');
    expect([...some]).toEqual([[pathKey('bA', 'x'), 5]]);
  });

  it('minified JSON is all on line 1', () => {
    const lines = keyLines(
      JSON.stringify({ packages: { 'node_modules/a': { version: '1.0.0' } } }),
      (p) => p[0] === 'packages',
    );
    expect(lines.get(pathKey('packages', 'node_modules/a'))).toBe(1);
  });
});
