// The one place the action makes a ProGet client: inputs in, logging wired to the runner's log.

import { PROGET_CI_VERSION, ProGetClient, type ProGetClientApi, ValidationError } from '@proget-ci/core';
import type { ConnectionInputs } from './connection-inputs.js';
import { inInputTerms } from './input-words.js';
import type { StepLogger } from './io.js';

export function createClient(
  connection: ConnectionInputs,
  logger: StepLogger,
  signal?: AbortSignal,
  /** Called after each line the transport logs (the server banner watches the headers through it). */
  afterLog?: () => void,
): ProGetClientApi {
  try {
    return construct(connection, logger, signal, afterLog);
  } catch (e) {
    // The client names its option (caCertPath); people set the input.
    if (e instanceof ValidationError && e.message.startsWith('caCertPath')) {
      throw new ValidationError(
        'Invalid inputs',
        e.problems.map((p) => `"ca-cert": ${p}`),
      );
    }
    throw e;
  }
}

function construct(
  connection: ConnectionInputs,
  logger: StepLogger,
  signal?: AbortSignal,
  afterLog: () => void = () => {},
): ProGetClient {
  return new ProGetClient({
    url: connection.server,
    apiKey: connection.apiKey,
    username: connection.username,
    password: connection.password,
    timeoutMs: connection.timeoutMs,
    retries: connection.retries,
    caCertPath: connection.caCertPath,
    // Only https has certificates to skip: on http:// the input changes nothing, so nothing is warned.
    insecureTls: connection.insecureTls && connection.server.startsWith('https:'),
    userAgent: `proget-ci-action/${PROGET_CI_VERSION}`,
    signal,
    logger: {
      debug: (m) => {
        logger.debug(m);
        afterLog();
      },
      warn: (m) => logger.warning(inInputTerms(m)),
    },
  });
}
