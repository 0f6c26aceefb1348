// `pnpm run doctor --server URL [--api-key K] [--feed F]... [--ca-cert FILE] [--insecure-tls] [--json]`
// (`pnpm doctor` alone is pnpm's own built-in command, hence `pnpm run doctor`.)
// Exit 0 when nothing failed, 1 when something did, 2 on bad usage.

import { doctor } from '../doctor/doctor.js';
import { renderDoctorReport } from '../doctor/render.js';
import { apiKeyFrom, type CliIo, parseFlags, processIo, runCommand, serverFlag } from './args.js';

export const DOCTOR_USAGE =
  'pnpm run doctor --server URL [--api-key KEY] [--feed FEED]... [--ca-cert FILE] [--insecure-tls] [--json]  (the key may also come from PROGET_API_KEY)';

export function runDoctorCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let key: string | undefined;
  return runCommand(
    DOCTOR_USAGE,
    io,
    () => [key],
    async () => {
      const flags = parseFlags(argv, {
        server: { type: 'string', required: true },
        'api-key': { type: 'string' },
        feed: { type: 'strings' },
        'ca-cert': { type: 'string' },
        'insecure-tls': { type: 'boolean' },
        json: { type: 'boolean' },
      });
      key = apiKeyFrom(flags['api-key'], io.env);
      const server = serverFlag(flags.server);
      const report = await doctor({
        url: server,
        apiKey: key,
        feeds: flags.feed.length ? flags.feed : undefined,
        caCertPath: flags['ca-cert'],
        insecureTls: flags['insecure-tls'],
      });
      if (flags.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of renderDoctorReport(report)) io.out(line);
      return report.ok ? 0 : 1;
    },
  );
}
