import { actionsIo } from '../shared/actions-io.js';
import { runServerStep } from '../shared/run-step.js';
import { githubArtifacts } from './artifact.js';
import { publishStep } from './step.js';

await runServerStep(actionsIo, (env) => publishStep(env, githubArtifacts(process.env)));
