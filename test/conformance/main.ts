// Entry point of `pnpm conformance`; kept apart so that tests import the command without running it.

import { runConformanceCli } from './cli.js';

const interrupt = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write(
    'interrupted: skipping the remaining checks, cleaning up (Ctrl-C again to quit now)\n',
  );
  interrupt.abort();
});
process.exitCode = await runConformanceCli(process.argv.slice(2), undefined, interrupt.signal);
