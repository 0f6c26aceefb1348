import { describe, expect, it } from 'vitest';
import { inputVariable, parseOutputFile, parseWorkflowCommands } from './runner.js';

describe('runner helpers', () => {
  it('names input variables as the runner does: upper case, spaces as underscores, dashes kept', () => {
    expect(inputVariable('api-key')).toBe('INPUT_API-KEY');
    expect(inputVariable('if exists')).toBe('INPUT_IF_EXISTS');
  });

  it('reads heredoc and plain outputs', () => {
    expect(
      parseOutputFile('sha1<<ghadelimiter_1\nabc\nghadelimiter_1\nresults<<EOF\n[1,\n2]\nEOF\nplain=x=y\n'),
    ).toEqual({ sha1: 'abc', results: '[1,\n2]', plain: 'x=y' });
    expect(() => parseOutputFile('a<<D\nvalue\n')).toThrow('output a: no closing delimiter D');
  });

  it('reads workflow commands with escaped properties and messages', () => {
    expect(
      parseWorkflowCommands(
        'hello\n::add-mask::k1\n::error title=Not promoted%3A a%2C b::line 1%0Aline 2 100%25\n',
      ),
    ).toEqual([
      { command: 'add-mask', properties: {}, message: 'k1' },
      { command: 'error', properties: { title: 'Not promoted: a, b' }, message: 'line 1\nline 2 100%' },
    ]);
  });
});
