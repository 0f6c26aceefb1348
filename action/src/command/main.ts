// Entry point of the root action (action.yml at the repository root, `runs.main: action/dist/run.js`):
// reads each step's action.yml beside the bundles, prepares the chosen step's INPUT_* and runs that step's
// bundle (`./<command>.js`) in this process. It writes workflow commands itself rather than loading
// @actions/core, so it depends on nothing in src/ outside command/.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { COMMANDS, CommandError, planCommand, type StepInputs } from './dispatch.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

async function readStepInputs(): Promise<StepInputs> {
  const entries = await Promise.all(
    COMMANDS.map(async (command) => {
      const file = fileURLToPath(new URL(`../${command}/action.yml`, import.meta.url));
      const yml = parse(await readFile(file, 'utf8')) as { inputs?: StepInputs[typeof command] };
      return [command, yml.inputs ?? {}] as const;
    }),
  );
  return Object.fromEntries(entries) as StepInputs;
}

try {
  const plan = planCommand(process.env, await readStepInputs());
  for (const variable of plan.unset) delete process.env[variable];
  Object.assign(process.env, plan.set);
  for (const warning of plan.warnings) process.stdout.write(`::warning::${escapeData(warning)}\n`);
  await import(new URL(`./${plan.command}.js`, import.meta.url).href);
} catch (error) {
  const message =
    error instanceof CommandError
      ? error.message
      : `Unexpected error: ${error instanceof Error ? error.message : String(error)}\nThis is a bug in proget-ci; please report it.`;
  process.stdout.write(`::error::${escapeData(message)}\n`);
  process.exitCode = 1;
}
