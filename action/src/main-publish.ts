import { actionsIo } from './actions-io.js';
import { githubArtifacts } from './artifact.js';
import { runStep } from './run-step.js';
import { runnerEnvironment } from './steps/environment.js';
import { publishStep } from './steps/publish.js';

await runStep(actionsIo, (io) => publishStep(runnerEnvironment(io), githubArtifacts(process.env)));
