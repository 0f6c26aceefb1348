import { holdYoungGeneration } from '@proget-ci/core';
import { actionsIo } from '../shared/actions-io.js';
import { runServerStep } from '../shared/run-step.js';
import { githubArtifacts } from './artifact.js';
import { publishStep } from './step.js';

// This step's process is its own: keep V8's young generation from growing as a build or upload of
// gigabytes goes on (core/src/heap.ts has the measurements).
holdYoungGeneration();

await runServerStep(actionsIo, (env) => publishStep(env, githubArtifacts(process.env)));
