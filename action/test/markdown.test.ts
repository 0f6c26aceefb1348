import { describe, expect, it } from 'vitest';
import { cell, formatBytes, link, table } from '../src/shared/markdown.js';

describe('summary Markdown', () => {
  it('escapes server text so it cannot break a table or inject HTML', () => {
    expect(cell('<script>alert(1)</script> | a & b\nline 2')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; \\| a &amp; b<br>line 2',
    );
  });

  it('builds links whose text and URL cannot break out', () => {
    expect(link('a [b]', 'https://x.test/p (1)')).toBe('[a \\[b\\]](https://x.test/p%20%281%29)');
    expect(link('plain', undefined)).toBe('plain');
  });

  it('renders a table', () => {
    expect(table(['A', 'B'], [['1', '2']])).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });

  it('formats sizes for people and keeps the exact byte count', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB (1,536 bytes)');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB (5,368,709,120 bytes)');
    expect(formatBytes(undefined)).toBe('');
  });
});
