// `@proget-ci/core/cli`: the pieces of core's command lines (`doctor`), for tools that build their own
// (the conformance suite does). Kept apart from the root entry so importing the client starts no command.

export { apiKeyFrom, type CliIo, parseFlags, processIo, runCommand, serverFlag, UsageError } from './args.js';
export { runDoctorCli } from './doctor.js';
