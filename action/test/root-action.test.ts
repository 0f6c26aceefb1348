// The root action.yml: generated from the sub-actions' action.yml files (drift check), and the dispatcher's
// plan for turning the root action's INPUT_* into the chosen step's. The real bundle runs against the
// simulator in test/integration/action/root-action.test.ts.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMMANDS as GENERATOR_COMMANDS,
  ROOT_ACTION,
  renderRootAction,
} from '../scripts/gen-root-action.mjs';
import { COMMANDS, type Command, planCommand, type StepInputs } from '../src/command/dispatch.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const render = renderRootAction;

interface Yml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}
const readYml = async (file: string) => parse(await readFile(file, 'utf8')) as Yml;
let steps: Record<Command, Yml>;
let root: Yml;

beforeAll(async () => {
  steps = Object.fromEntries(
    await Promise.all(COMMANDS.map(async (c) => [c, await readYml(join(actionDir, c, 'action.yml'))])),
  );
  root = await readYml(ROOT_ACTION);
});

describe('root action.yml', () => {
  it('is exactly what gen-root-action.mjs generates from the sub-actions (run it after editing them)', async () => {
    expect(await readFile(ROOT_ACTION, 'utf8')).toBe(await render());
  });

  it('has every input and output of every step once, plus command, and nothing else', () => {
    const inputs = new Set(COMMANDS.flatMap((c) => Object.keys(steps[c].inputs)));
    expect(Object.keys(root.inputs).sort()).toEqual(['command', ...inputs].sort());
    const outputs = new Set(COMMANDS.flatMap((c) => Object.keys(steps[c].outputs)));
    expect(Object.keys(root.outputs).sort()).toEqual([...outputs].sort());
    expect(root.inputs.command).toMatchObject({ required: true });
    expect(root.inputs.command!.description).toContain('publish, promote-check, deploy-record');
  });

  it('says which steps use each input, keeps each description, and is required only where every step is', () => {
    for (const [name, input] of Object.entries(root.inputs)) {
      if (name === 'command') continue;
      const users = COMMANDS.filter((c) => name in steps[c].inputs);
      for (const c of users) {
        const line = input.description
          .split('\n')
          .find((l) => l.includes(steps[c].inputs[name]!.description));
        expect(line, `${name}: ${c}`).toBeDefined();
        expect(line!.split(': ')[0]!.split(', ')).toContain(c);
      }
      const required = users.filter((c) => steps[c].inputs[name]!.required === true);
      expect(input.required, name).toBe(required.length === COMMANDS.length);
      if (required.length > 0 && required.length < COMMANDS.length) {
        expect(input.description).toContain(`Required for ${required.join(', ')}.`);
      }
      const defaults = new Set(users.map((c) => steps[c].inputs[name]!.default));
      expect(input.default, name).toBe(defaults.size === 1 ? [...defaults][0] : undefined);
    }
  });

  it('runs the dispatcher bundle on the runtime the steps use', () => {
    expect(root.runs).toEqual({ using: steps.publish.runs.using, main: 'action/dist/run.js' });
    expect(root.runs.using).toBe('node24');
  });

  it('the generator and the dispatcher know the same commands', () => {
    expect(GENERATOR_COMMANDS).toEqual([...COMMANDS]);
  });
});

describe('gen-root-action.mjs on other sub-actions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'root-action-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(step: string, text: string) {
    await mkdir(join(dir, step), { recursive: true });
    await writeFile(join(dir, step, 'action.yml'), text);
  }
  const runs = 'runs:\n  using: node24\n  main: ../dist/x.js\n';

  it('leaves out a default the steps disagree on, and merges equal descriptions', async () => {
    await write(
      'publish',
      `inputs:\n  wait:\n    description: Seconds.\n    default: '5'\n  feed:\n    description: Feed.\n    required: true\n${runs}`,
    );
    await write(
      'promote-check',
      `inputs:\n  wait:\n    description: Seconds.\n    default: '0'\noutputs:\n  ok:\n    description: Done.\n${runs}`,
    );
    await write('deploy-record', `inputs:\n  feed:\n    description: Feed.\n    required: true\n${runs}`);
    await write('audit', `inputs: {}\n${runs}`);
    const yml = parse(await render(dir)) as Yml;
    expect(yml.inputs.wait).toEqual({ description: 'publish, promote-check: Seconds.', required: false });
    expect(yml.inputs.feed).toEqual({
      description: 'publish, deploy-record: Feed.\nRequired for publish, deploy-record.',
      required: false,
    });
    expect(yml.outputs).toEqual({ ok: { description: 'promote-check: Done.' } });
  });

  it('refuses a sub-action it does not know, and steps on different runtimes', async () => {
    await write('scan', `inputs: {}\n${runs}`);
    await expect(render(dir)).rejects.toThrow(
      'action/scan/action.yml is not a command: add it to COMMANDS in gen-root-action.mjs',
    );
    await rm(join(dir, 'scan'), { recursive: true });
    await write('deploy-record', 'inputs: {}\nruns:\n  using: node20\n  main: x.js\n');
    await expect(render(dir)).rejects.toThrow('the sub-actions run on different runtimes: node24, node20');
  });
});

describe('planCommand', () => {
  const inputs: StepInputs = {
    publish: { server: {}, feed: {}, 'if-exists': { default: 'fail' }, timeout: { default: '30' } },
    'promote-check': {
      server: {},
      'to-feed': {},
      mode: { default: 'fail' },
      'wait-timeout': { default: '0' },
    },
    'deploy-record': { server: {}, feed: {}, application: { default: 'GitHub Actions' } },
    audit: { server: {}, 'fail-on': { default: 'noncompliant' } },
  };

  it("fills in the step's own defaults and removes other steps' inputs", () => {
    const plan = planCommand(
      {
        INPUT_COMMAND: ' Promote-Check ',
        INPUT_SERVER: 'https://proget',
        INPUT_MODE: '',
        'INPUT_IF-EXISTS': 'fail',
        INPUT_APPLICATION: 'GitHub Actions',
        INPUT_TIMEOUT: '30',
        INPUT_FEED: '',
      },
      inputs,
    );
    expect(plan).toEqual({
      command: 'promote-check',
      set: { INPUT_MODE: 'fail', 'INPUT_WAIT-TIMEOUT': '0' },
      unset: ['INPUT_FEED', 'INPUT_IF-EXISTS', 'INPUT_TIMEOUT', 'INPUT_APPLICATION'],
      warnings: [],
    });
  });

  it('warns about an input the step does not have when someone set it', () => {
    const plan = planCommand(
      { INPUT_COMMAND: 'promote-check', INPUT_FEED: 'dev-feed', 'INPUT_IF-EXISTS': 'skip' },
      inputs,
    );
    expect(plan.warnings).toEqual([
      'feed is an input of publish, deploy-record, not of promote-check; it is ignored',
      'if-exists is an input of publish, not of promote-check; it is ignored',
    ]);
  });

  it('refuses a missing or unknown command, naming the choices', () => {
    expect(() => planCommand({}, inputs)).toThrow(
      'command is required: one of publish, promote-check, deploy-record, audit',
    );
    expect(() => planCommand({ INPUT_COMMAND: 'publsh' }, inputs)).toThrow(
      'command "publsh" is not a step of this action: use one of publish, promote-check, deploy-record, audit (did you mean publish?)',
    );
    expect(() => planCommand({ INPUT_COMMAND: 'scan' }, inputs)).toThrow(
      'command "scan" is not a step of this action: use one of publish, promote-check, deploy-record, audit',
    );
  });
});
