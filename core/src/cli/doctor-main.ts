// Entry point of `pnpm run doctor`; kept apart so that importing core never starts a command.

import { runDoctorCli } from './doctor.js';

process.exitCode = await runDoctorCli(process.argv.slice(2));
