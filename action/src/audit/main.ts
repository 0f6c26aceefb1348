import { actionsIo } from '../shared/actions-io.js';
import { runnerEnvironment } from '../shared/environment.js';
import { runStep } from '../shared/run-step.js';
import { auditStep } from './step.js';

await runStep(actionsIo, (io) => auditStep(runnerEnvironment(io)));
