// The inputs every sub-action shares: where the server is and how to authenticate.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkServerUrl, type ServerUrlProblem } from '@proget-ci/core';
import type { InputReader } from './input-reader.js';

export interface ConnectionInputs {
  /** Without a trailing slash; a path prefix is kept. */
  server: string;
  apiKey?: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
  retries: number;
  caCertPath?: string;
  insecureTls: boolean;
}

/** What a job may set once in `env:` instead of repeating inputs in every step. */
export interface ConnectionEnv {
  /** PROGET_URL */
  url?: string;
  /** PROGET_API_KEY */
  apiKey?: string;
}

export function readConnection(
  inputs: InputReader,
  workspace: string,
  fromEnv: ConnectionEnv = {},
): ConnectionInputs {
  // Secrets first, so they are masked even when another input is bad.
  const password = inputs.secret('password');
  const username = inputs.string('username');
  // The job's PROGET_API_KEY stands in only when the step names no credentials of its own.
  const apiKey =
    inputs.secret('api-key') ??
    (username === undefined && password === undefined ? inputs.secretValue(fromEnv.apiKey) : undefined);
  const serverValue =
    inputs.string('server') ??
    fromEnv.url?.trim() ??
    inputs.required('server', " (or set PROGET_URL in the job's env)");
  const server =
    serverValue === undefined
      ? ''
      : checkUrlInput(inputs, inputs.string('server') === undefined ? 'PROGET_URL' : '"server"', serverValue);

  if (apiKey !== undefined && (username !== undefined || password !== undefined)) {
    inputs.problem('use either "api-key" or "username" and "password", not both');
  } else if (username !== undefined && password === undefined) {
    inputs.problem('"password" is required when "username" is set');
  } else if (password !== undefined && username === undefined) {
    inputs.problem('"username" is required when "password" is set');
  }

  const caCert = inputs.string('ca-cert');
  let caCertPath: string | undefined;
  if (caCert !== undefined) {
    caCertPath = isAbsolute(caCert) ? caCert : resolve(workspace, caCert);
    if (!existsSync(caCertPath)) inputs.problem(`"ca-cert" file not found: ${caCertPath}`);
  }

  return {
    server,
    apiKey,
    username,
    password,
    timeoutMs: inputs.seconds('timeout', 30, false),
    retries: inputs.integer('retries', 3, 0, 10),
    caCertPath,
    insecureTls: inputs.boolean('insecure-tls', false),
  };
}

/**
 * Core's server-URL rule (`checkServerUrl`), worded for an input. A value is echoed only in the form core
 * says is safe (no credentials, query or fragment), so a typo never prints a secret.
 * `label` is the input as people see it: `"server"`, or `PROGET_URL` when that stood in. */
export function checkUrlInput(inputs: InputReader, label: string, value: string): string {
  const check = checkServerUrl(value);
  if (check.ok) return check.url;
  const echo = check.shown === undefined ? '' : `; got "${check.shown}"`;
  const message: Record<ServerUrlProblem, string> = {
    empty: `${label} is required`,
    'not-a-url': `${label} is not a valid URL${echo}`,
    scheme: `${label} must be an http:// or https:// URL${echo}`,
    credentials: `${label} must not contain credentials; pass the key in "api-key" (or use "username" and "password")`,
    'query-or-fragment': `${label} must not have a query string or fragment${echo}`,
  };
  inputs.problem(message[check.problem]);
  return '';
}
