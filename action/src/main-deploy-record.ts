import { actionsIo } from './actions-io.js';
import { runStep } from './run-step.js';
import { deployRecordStep } from './steps/deploy-record.js';
import { runnerEnvironment } from './steps/environment.js';

await runStep(actionsIo, (io) => deployRecordStep(runnerEnvironment(io)));
