// TLS trust: an extra CA on top of the system ones, or (loudly) no verification at all.

import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { ProGetLogger } from '../client-api.js';
import { ValidationError } from '../errors.js';

export interface TlsSettings {
  /** System roots plus the extra CA; undefined means Node's defaults. */
  ca?: string[];
  rejectUnauthorized: boolean;
}

export function loadTlsSettings(
  caCertPath: string | undefined,
  insecureTls: boolean | undefined,
  logger: ProGetLogger | undefined,
): TlsSettings {
  let ca: string[] | undefined;
  if (caCertPath) {
    let pem: string;
    try {
      pem = readFileSync(caCertPath, 'utf8');
    } catch (e) {
      throw new ValidationError('caCertPath', [`cannot read ${caCertPath}: ${(e as Error).message}`]);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ValidationError('caCertPath', [
        `${caCertPath} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      ]);
    }
    // Passing `ca` replaces Node's bundled roots, so add them back: the extra CA is in addition.
    ca = [...rootCertificates, pem];
  }
  if (insecureTls) {
    const warning =
      'WARNING: TLS certificate verification is DISABLED (insecureTls). Anyone on the network path can read and alter traffic to ProGet, including the API key. Use caCertPath to trust a private CA instead.';
    if (logger) logger.warn(warning);
    else process.stderr.write(`${warning}\n`);
  }
  return { ca, rejectUnauthorized: !insecureTls };
}
