import { actionsIo } from '../shared/actions-io.js';
import { runServerStep } from '../shared/run-step.js';
import { promoteCheckStep } from './step.js';

await runServerStep(actionsIo, (env) => promoteCheckStep(env));
