// The root action runs one step chosen by its `command` input. The runner fills INPUT_* from the root
// action.yml, which has every step's inputs; this turns them into exactly what the chosen step's own
// action.yml would have given it: its defaults filled in, other steps' inputs removed (with a warning when
// one was set, since the step will not read it).

export const COMMANDS = ['publish', 'promote-check', 'deploy-record', 'audit'] as const;
export type Command = (typeof COMMANDS)[number];

export interface InputSpec {
  default?: unknown;
}
/** The `inputs` of each step's action.yml. */
export type StepInputs = Record<Command, Record<string, InputSpec | null | undefined>>;

export interface Plan {
  command: Command;
  /** INPUT_* variables to set (the step's defaults for inputs left empty). */
  set: Record<string, string>;
  /** INPUT_* variables of other steps' inputs, to remove. */
  unset: string[];
  /** Warnings for inputs that were given but the step does not have. */
  warnings: string[];
}

export class CommandError extends Error {}

/** The runner's rule: INPUT_ + the name upper-cased with spaces as underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function parseCommand(value: string | undefined): Command {
  const given = (value ?? '').trim();
  const choices = COMMANDS.join(', ');
  if (given === '') throw new CommandError(`command is required: one of ${choices}`);
  const command = COMMANDS.find((c) => c === given.toLowerCase());
  if (command) return command;
  const near = COMMANDS.find((c) => distance(c, given.toLowerCase()) <= 2);
  throw new CommandError(
    `command "${given}" is not a step of this action: use one of ${choices}${near ? ` (did you mean ${near}?)` : ''}`,
  );
}

export function planCommand(env: Record<string, string | undefined>, steps: StepInputs): Plan {
  const command = parseCommand(env[inputVariable('command')]);
  const own = steps[command];
  const set: Record<string, string> = {};
  for (const [name, spec] of Object.entries(own)) {
    const value = env[inputVariable(name)];
    if ((value === undefined || value === '') && spec?.default !== undefined && spec.default !== null) {
      set[inputVariable(name)] = String(spec.default);
    }
  }
  const unset: string[] = [];
  const warnings: string[] = [];
  const others = new Map<string, { users: Command[]; defaults: Set<string> }>();
  for (const step of COMMANDS) {
    if (step === command) continue;
    for (const [name, spec] of Object.entries(steps[step])) {
      if (name in own) continue;
      const entry = others.get(name) ?? { users: [], defaults: new Set<string>() };
      entry.users.push(step);
      if (spec?.default !== undefined && spec.default !== null) entry.defaults.add(String(spec.default));
      others.set(name, entry);
    }
  }
  for (const [name, { users, defaults }] of others) {
    const variable = inputVariable(name);
    const value = env[variable];
    if (value === undefined) continue;
    unset.push(variable);
    // The root action.yml's default arrives here too; only a value someone wrote is worth a warning.
    if (value !== '' && !defaults.has(value)) {
      warnings.push(`${name} is an input of ${users.join(', ')}, not of ${command}; it is ignored`);
    }
  }
  return { command, set, unset, warnings };
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
