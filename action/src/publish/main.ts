import { actionsIo } from '../shared/actions-io.js';
import { runnerEnvironment } from '../shared/environment.js';
import { runStep } from '../shared/run-step.js';
import { githubArtifacts } from './artifact.js';
import { publishStep } from './step.js';

await runStep(actionsIo, (io) => publishStep(runnerEnvironment(io), githubArtifacts(process.env)));
