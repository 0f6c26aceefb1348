// Everything a step takes from the outside world, so tests can hand it fakes.

import { tmpdir } from 'node:os';
import type { ProGetClientApi } from '@proget-ci/core';
import { createClient } from './client.js';
import type { ConnectionInputs } from './connection-inputs.js';
import { type Env, type RunContext, readRunContext } from './context.js';
import type { ActionIo } from './io.js';

export interface StepEnvironment {
  io: ActionIo;
  context: RunContext;
  now(): Date;
  createClient(connection: ConnectionInputs): ProGetClientApi;
}

export function runnerEnvironment(io: ActionIo, env: Env = process.env): StepEnvironment {
  // A cancelled job gets SIGINT, then SIGTERM: stop requests (an upload leaves nothing half-written).
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      io.warning(`${signal}: cancelling`);
      cancel.abort(new Error(`cancelled (${signal})`));
    });
  }
  return {
    io,
    context: readRunContext(env, tmpdir(), process.cwd()),
    now: () => new Date(),
    createClient: (connection) => createClient(connection, io, cancel.signal),
  };
}
