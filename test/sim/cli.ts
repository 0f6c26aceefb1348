// `pnpm sim`: run the simulator in the foreground until SIGINT/SIGTERM.
//   --port N  --data-dir DIR  --seed demo|none  --edition Free|Basic|Enterprise  --version-mode 2023|2024|2026
//   --api-key KEY (repeatable; full privileges)  --import-dir DIR  --tls (self-signed, needs openssl)

import { parseArgs } from 'node:util';
import { generateSelfSignedCert } from '../support/certs.js';
import { startSimulator } from './index.js';
import type { ApiKeyConfig, Edition, SimulatorOptions, VersionMode } from './types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    seed: { type: 'string', default: 'demo' },
    edition: { type: 'string' },
    'version-mode': { type: 'string' },
    'api-key': { type: 'string', multiple: true },
    'import-dir': { type: 'string' },
    tls: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (values.help) {
  console.log(
    'Usage: pnpm sim [--port N] [--data-dir DIR] [--seed demo|none] [--edition Free|Basic|Enterprise]\n' +
      '                [--version-mode 2023|2024|2026] [--api-key KEY]... [--import-dir DIR] [--tls]',
  );
  process.exit(0);
}

const edition = values.edition as Edition | undefined;
if (edition && !['Free', 'Basic', 'Enterprise'].includes(edition)) fail(`Unknown edition ${edition}`);
const versionMode = values['version-mode'] as VersionMode | undefined;
if (versionMode && !['2023', '2024', '2026'].includes(versionMode))
  fail(`Unknown version mode ${versionMode}`);
if (values.seed !== 'demo' && values.seed !== 'none') fail(`Unknown seed ${values.seed}`);
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid port ${values.port}`);

const apiKeys: ApiKeyConfig[] = (values['api-key'] ?? []).map((key) => ({ key, privileges: 'all' }));
const options: SimulatorOptions = {
  port,
  dataDir: values['data-dir'],
  seed: values.seed as 'demo' | 'none',
  edition,
  versionMode,
  apiKeys,
  importDir: values['import-dir'],
  tls: values.tls ? generateSelfSignedCert() : undefined,
};

const sim = await startSimulator(options);
console.log(`ProGet simulator listening on ${sim.url}`);
console.log(`  data dir: ${sim.dataDir}`);
console.log(`  edition: ${edition ?? 'Enterprise'}, version mode: ${versionMode ?? '2024'}`);
if (values.seed === 'demo') {
  console.log('  seeded keys: demo-admin-key (all), demo-view-key (view, download), demo-publish-key (view,');
  console.log('    download, add), demo-promote-key (view, promote), demo-dev-feed-key (dev-feed only);');
  console.log('    user demo / demo-password');
}
for (const k of apiKeys) console.log(`  key: ${k.key} (all privileges)`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
