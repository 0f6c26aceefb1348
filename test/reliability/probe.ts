import { contentDir, FEED, run, scratch, startRelSim, uniqueSecret } from './helpers.ts';

const key = uniqueSecret('k');
const sim = await startRelSim({ apiKeys: [{ key, privileges: 'all' }] });
const which = process.argv[2] === 'pub' ? 'rel-publish-key-5b1e' : key;
const ws = await scratch('probe');
await contentDir(ws.path, 'app', 'x');
const r = await run('publish', {
  workspace: ws.path,
  timeoutMs: 20000,
  inputs: {
    server: sim.url,
    'api-key': which,
    feed: FEED,
    path: 'app',
    name: 'secret-app',
    version: '1.0.0',
  },
  env: { ACTIONS_STEP_DEBUG: 'true' },
});
console.log(r.exitCode, r.signal, r.durationMs, r.stdout.slice(-3000), r.stderr.slice(-2000));
console.log(sim.requests().map((q) => `${q.method} ${q.url} ${q.status}`));
await sim.close();
await ws.remove();
