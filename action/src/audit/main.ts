import { actionsIo } from '../shared/actions-io.js';
import { runServerStep } from '../shared/run-step.js';
import { auditStep } from './step.js';

await runServerStep(actionsIo, (env) => auditStep(env));
