// `pnpm conformance --server URL --feed FEED [--target-feed FEED2] [--write] [--record DIR]
//   [--api-key KEY] [--ca-cert FILE] [--insecure-tls] [--run-id ID]`
// Exit 0 when every check passed (or was skipped), 1 on any failure or a server that cannot be tested,
// 2 on bad usage.

import {
  apiKeyFrom,
  type CliIo,
  parseFlags,
  processIo,
  runCommand,
  serverFlag,
  UsageError,
} from '@proget-ci/core/cli';
import { runConformance } from './runner.js';

export const CONFORMANCE_USAGE =
  'pnpm conformance --server URL --feed FEED [--target-feed FEED2] [--write] [--record DIR] [--api-key KEY] [--ca-cert FILE] [--insecure-tls]  (the key may also come from PROGET_API_KEY)';

export function runConformanceCli(
  argv: readonly string[],
  io: CliIo = processIo,
  /** Aborted by the first Ctrl-C of a CLI run: the checks stop, the cleanup of a --write run still happens. */
  interrupt?: AbortSignal,
): Promise<number> {
  let key: string | undefined;
  return runCommand(
    CONFORMANCE_USAGE,
    io,
    () => [key],
    async () => {
      const flags = parseFlags(argv, {
        server: { type: 'string', required: true },
        feed: { type: 'string', required: true },
        'target-feed': { type: 'string' },
        write: { type: 'boolean' },
        record: { type: 'string' },
        'api-key': { type: 'string' },
        'ca-cert': { type: 'string' },
        'insecure-tls': { type: 'boolean' },
        'run-id': { type: 'string' },
      });
      key = apiKeyFrom(flags['api-key'], io.env);
      const server = serverFlag(flags.server);
      if (flags['target-feed'] && flags['target-feed'].toLowerCase() === flags.feed?.toLowerCase())
        throw new UsageError('--target-feed must name another feed than --feed');
      const summary = await runConformance({
        server,
        apiKey: key,
        feed: flags.feed!,
        targetFeed: flags['target-feed'],
        write: flags.write,
        recordDir: flags.record,
        caCertPath: flags['ca-cert'],
        insecureTls: flags['insecure-tls'],
        runId: flags['run-id'],
        out: io.out,
        signal: interrupt,
      });
      return summary.failed > 0 ? 1 : 0;
    },
  );
}
