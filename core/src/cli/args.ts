// Command-line plumbing shared by `pnpm doctor` and `pnpm conformance`: flags parsed into a typed
// object, the key from the environment, one clear line per problem and exit codes 0/1/2.

import { checkServerUrl } from '../server-url.js';

/** Bad usage: exit code 2, the message and the usage line, nothing else. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  type: 'string' | 'boolean' | 'strings';
  /** Shown in the usage error for a missing flag. */
  required?: boolean;
}

export type ParsedFlags<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K]['type'] extends 'boolean'
    ? boolean
    : S[K]['type'] extends 'strings'
      ? string[]
      : string | undefined;
};

/** `--name value`, `--name=value` and boolean `--flag`; unknown flags and stray words are usage errors. */
export function parseFlags<S extends Record<string, FlagSpec>>(
  argv: readonly string[],
  spec: S,
): ParsedFlags<S> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec))
    out[name] = s.type === 'boolean' ? false : s.type === 'strings' ? [] : undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!match)
      throw new UsageError(`unexpected argument "${arg.length > 40 ? `${arg.slice(0, 40)}…` : arg}"`);
    const name = match[1]!;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (s.type === 'boolean') {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (value.trim() === '') throw new UsageError(`--${name} is empty`);
    if (s.type === 'strings') (out[name] as string[]).push(value);
    else out[name] = value;
  }
  for (const [name, s] of Object.entries(spec)) {
    if (s.required && out[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  return out as ParsedFlags<S>;
}

/** The server URL as a person typed it; a usage error names the flag. */
export function serverFlag(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--server is required');
  const checked = checkServerUrl(value);
  if (!checked.ok) throw new UsageError(`--server ${checked.reason}`);
  return checked.url;
}

/** `--api-key` wins over `PROGET_API_KEY`; empty means none. */
export function apiKeyFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const key = flag ?? env.PROGET_API_KEY;
  return key?.trim() ? key.trim() : undefined;
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs a command and turns what escapes it into one line and an exit code: usage 2, anything else 1.
 * No stack trace; `secrets` are cut out of the line.
 */
export async function runCommand(
  usage: string,
  io: CliIo,
  secrets: () => (string | undefined)[],
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const message = scrub(firstLine(e instanceof Error ? e.message : String(e)), secrets());
    if (e instanceof UsageError) {
      io.err(`error: ${message}`);
      io.err(`usage: ${usage}`);
      return 2;
    }
    io.err(`error: ${message}`);
    return 1;
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

function scrub(text: string, secrets: (string | undefined)[]): string {
  let result = text;
  for (const s of secrets) if (s && s.length >= 3) result = result.split(s).join('***');
  return result;
}
