// The one place tests, the simulator CLI and the bench get a TLS certificate: a throwaway self-signed one for
// 127.0.0.1/localhost, made with the openssl CLI (no npm certificate library). The certificate is its own
// CA, so a client trusts it by taking the certificate as its CA file (curl --cacert, core's caCertPath).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  /** PEM certificate; also the CA to trust. */
  cert: string;
  /** PEM private key. */
  key: string;
}

export interface SelfSignedCertOptions {
  /** `ec` (P-256, the default: quick to make) or `rsa` (2048 bits, what most servers still present). */
  keyType?: 'ec' | 'rsa';
}

export function generateSelfSignedCert(options: SelfSignedCertOptions = {}): SelfSignedCert {
  const keyArgs =
    options.keyType === 'rsa'
      ? ['-newkey', 'rsa:2048']
      : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const dir = mkdtempSync(join(tmpdir(), 'proget-ci-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...keyArgs,
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe', timeout: 60_000 },
    );
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
