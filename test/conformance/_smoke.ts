import { doctor } from '@proget-ci/core';
import { startSimulator } from '../sim/index.js';
import { runConformance } from './runner.js';

const sim = await startSimulator({ seed: 'demo', edition: 'Enterprise', versionMode: '2024' });
let t = Date.now();
await doctor({ url: sim.url, apiKey: 'demo-admin-key', feeds: ['dev-feed'] });
console.log('doctor', Date.now() - t);
t = Date.now();
let last = t;
await runConformance({
  server: sim.url,
  apiKey: 'demo-admin-key',
  feed: 'dev-feed',
  targetFeed: 'approved-feed',
  write: true,
  recordDir: '/tmp/h4rec2',
  out: (l) => {
    const n = Date.now();
    if (n - last > 300) console.log(n - last, l);
    last = n;
  },
});
console.log('total', Date.now() - t);
await sim.close();
