import { actionsIo } from './actions-io.js';
import { runStep } from './run-step.js';
import { runnerEnvironment } from './steps/environment.js';
import { promoteCheckStep } from './steps/promote-check.js';

await runStep(actionsIo, (io) => promoteCheckStep(runnerEnvironment(io)));
