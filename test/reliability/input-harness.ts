// Runs a sub-action's step in-process exactly as its bundle's entry does (runStep → step), with the inputs
// the runner would give (action.yml defaults filled in) and a ProGet client that fails the test if anything
// so much as touches it: proof that bad inputs are refused before any network call.

import type { ProGetClientApi } from '@proget-ci/core';
import { auditStep } from '../../action/src/audit/step.js';
import { deployRecordStep } from '../../action/src/deploy-record/step.js';
import { promoteCheckStep } from '../../action/src/promote-check/step.js';
import type { ArtifactUploader } from '../../action/src/publish/artifact.js';
import { publishStep } from '../../action/src/publish/step.js';
import { readRunContext } from '../../action/src/shared/context.js';
import type { StepEnvironment } from '../../action/src/shared/environment.js';
import type { ActionIo, AnnotationLevel } from '../../action/src/shared/io.js';
import { runStep } from '../../action/src/shared/run-step.js';
import { DEFAULT_CONTEXT, readActionYml, type SubAction } from '../integration/action/runner.js';

export interface StepOutcome {
  /** The message given to setFailed, or undefined when the step succeeded. */
  failed?: string;
  /** Client creations and property reads: any at all means the step got as far as the network. */
  clientUses: string[];
  logs: string[];
  masked: string[];
}

class RecordingIo implements ActionIo {
  failed?: string;
  readonly logs: string[] = [];
  readonly masked: string[] = [];

  constructor(private readonly inputs: Record<string, string>) {}

  getInput(name: string): string {
    return this.inputs[name] ?? '';
  }
  setSecret(value: string): void {
    this.masked.push(value);
  }
  setOutput(name: string, value: string): void {
    this.logs.push(`output ${name}=${value}`);
  }
  async appendSummary(markdown: string): Promise<void> {
    this.logs.push(`summary ${markdown}`);
  }
  annotate(level: AnnotationLevel, message: string): void {
    this.logs.push(`${level} ${message}`);
  }
  debug(message: string): void {
    this.logs.push(`debug ${message}`);
  }
  info(message: string): void {
    this.logs.push(`info ${message}`);
  }
  warning(message: string): void {
    this.logs.push(`warning ${message}`);
  }
  setFailed(message: string): void {
    this.failed = message;
  }
  isDebug(): boolean {
    return true;
  }
}

/** A client whose every use is recorded and refused. */
function tripwireClient(uses: string[]): ProGetClientApi {
  return new Proxy({} as ProGetClientApi, {
    get(_target, property) {
      uses.push(`read ${String(property)}`);
      throw new Error(`the step used the ProGet client (${String(property)}) before refusing its inputs`);
    },
  });
}

const notAttached: ArtifactUploader = {
  upload: async () => ({ skipped: 'not in this test' }),
};

export async function runStepInProcess(
  name: SubAction,
  inputs: Record<string, string>,
  options: { workspace: string; env?: Record<string, string> },
): Promise<StepOutcome> {
  const yml = await readActionYml(name);
  const given: Record<string, string> = {};
  for (const [input, spec] of Object.entries(yml.inputs)) {
    const value = inputs[input];
    if (value !== undefined && value !== '') given[input] = value;
    else if (spec.default !== undefined) given[input] = String(spec.default);
  }
  for (const input of Object.keys(inputs)) {
    if (!(input in yml.inputs)) throw new Error(`${name} has no input "${input}"`);
  }
  const io = new RecordingIo(given);
  const clientUses: string[] = [];
  const env: StepEnvironment = {
    io,
    context: readRunContext(
      {
        ...DEFAULT_CONTEXT,
        GITHUB_WORKSPACE: options.workspace,
        RUNNER_TEMP: options.workspace,
        ...options.env,
      },
      options.workspace,
      options.workspace,
    ),
    now: () => new Date('2025-01-02T03:04:05Z'),
    createClient: () => {
      clientUses.push('createClient');
      return tripwireClient(clientUses);
    },
  };
  const step =
    name === 'publish'
      ? () => publishStep(env, notAttached)
      : name === 'promote-check'
        ? () => promoteCheckStep(env)
        : name === 'audit'
          ? () => auditStep(env)
          : () => deployRecordStep(env);
  await runStep(io, step);
  return { failed: io.failed, clientUses, logs: io.logs, masked: io.masked };
}
