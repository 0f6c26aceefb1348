// The inputs every sub-action shares: where the server is and how to authenticate.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { InputReader } from './reader.js';

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
  const server = serverValue === undefined ? '' : checkServerUrl(inputs, 'server', serverValue);

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

/** http(s) only, no credentials (they would end up in logs), no query or fragment. */
export function checkServerUrl(inputs: InputReader, name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // An unparsable value may still hold a password: only echo it when it cannot.
    inputs.problem(
      value.includes('@') ? `"${name}" is not a valid URL` : `"${name}" is not a valid URL; got "${value}"`,
    );
    return '';
  }
  if (url.username !== '' || url.password !== '') {
    inputs.problem(
      `"${name}" must not contain credentials; pass the key in "api-key" (or use "username" and "password")`,
    );
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    inputs.problem(`"${name}" must be an http:// or https:// URL; got "${value}"`);
    return '';
  }
  if (url.search !== '' || url.hash !== '') {
    inputs.problem(`"${name}" must not have a query string or fragment; got "${value}"`);
    return '';
  }
  return url.href.replace(/\/+$/, '');
}
