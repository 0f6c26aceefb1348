import { actionsIo } from '../shared/actions-io.js';
import { runServerStep } from '../shared/run-step.js';
import { deployRecordStep } from './step.js';

await runServerStep(actionsIo, (env) => deployRecordStep(env));
