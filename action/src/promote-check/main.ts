import { actionsIo } from '../shared/actions-io.js';
import { runnerEnvironment } from '../shared/environment.js';
import { runStep } from '../shared/run-step.js';
import { promoteCheckStep } from './step.js';

await runStep(actionsIo, (io) => promoteCheckStep(runnerEnvironment(io)));
