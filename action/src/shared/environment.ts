// Everything a step takes from the outside world, so tests can hand it fakes.

import { tmpdir } from 'node:os';
import type { ProGetClientApi } from '@proget-ci/core';
import { createClient } from './client.js';
import type { ConnectionInputs } from './connection-inputs.js';
import { type Env, type RunContext, readRunContext } from './context.js';
import type { ActionIo } from './io.js';
import { ServerBanner } from './server-banner.js';

export interface StepEnvironment {
  io: ActionIo;
  context: RunContext;
  now(): Date;
  createClient(connection: ConnectionInputs): ProGetClientApi;
}

export interface RunnerEnvironment extends StepEnvironment {
  /** The banner of the step's server, and the doctor finding when a step fails. */
  banner: ServerBanner;
}

export function runnerEnvironment(io: ActionIo, env: Env = process.env): RunnerEnvironment {
  // A cancelled job gets SIGINT, then SIGTERM: stop requests (an upload leaves nothing half-written).
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      io.warning(`${signal}: cancelling`);
      cancel.abort(new Error(`cancelled (${signal})`));
    });
  }
  const banner = new ServerBanner(io);
  return {
    io,
    context: readRunContext(env, tmpdir(), process.cwd()),
    now: () => new Date(),
    banner,
    createClient: (connection) => {
      const client = createClient(connection, io, cancel.signal, () => banner.afterLog());
      banner.watch(client, connection);
      return client;
    },
  };
}
