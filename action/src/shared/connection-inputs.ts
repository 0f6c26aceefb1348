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

export function readConnection(inputs: InputReader, workspace: string): ConnectionInputs {
  // Secrets first, so they are masked even when another input is bad.
  const apiKey = inputs.secret('api-key');
  const password = inputs.secret('password');
  const username = inputs.string('username');
  const serverValue = inputs.required('server');
  const server = serverValue === undefined ? '' : checkUrlInput(inputs, 'server', serverValue);

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
 * Core's server-URL rule (`checkServerUrl`), worded for an input. A value is echoed only when it cannot hold
 * a password (no `@`), so a typo never prints a secret.
 */
export function checkUrlInput(inputs: InputReader, name: string, value: string): string {
  const check = checkServerUrl(value);
  if (check.ok) return check.url;
  const echo = value.includes('@') ? '' : `; got "${value}"`;
  const message: Record<ServerUrlProblem, string> = {
    empty: `"${name}" is required`,
    'not-a-url': `"${name}" is not a valid URL${echo}`,
    scheme: `"${name}" must be an http:// or https:// URL${echo}`,
    credentials: `"${name}" must not contain credentials; pass the key in "api-key" (or use "username" and "password")`,
    'query-or-fragment': `"${name}" must not have a query string or fragment${echo}`,
  };
  inputs.problem(message[check.problem]);
  return '';
}
