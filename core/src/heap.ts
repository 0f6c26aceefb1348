// V8's young generation, for a process that owns its heap.
//
// V8 grows the young generation (its new space) whenever enough objects have survived its collections since
// the last growth. A streaming build or upload keeps a few MiB of objects alive at any moment, so over a long
// run that sum keeps adding up and the new space ends at its maximum: 16 MiB semi-spaces under Node 20
// (33.6 MB of new space), 64 MiB under Node 24 (134 MB), on a machine with gigabytes of memory. It is then
// resident for good, and the run's peak RSS depends on how long the run was rather than on what it holds.
// Measured on a standalone 4.5 GiB build under Node 20: the new space ended at 33.6 MB, or at 8.4 MB held
// (peak RSS 131–136 against 129–131 MB); test/bench/README.md has the rest, and Node 24's numbers.
//
// V8 reads `--semi-space-growth-factor` each time it grows the new space, so setting it to 1 at run time
// stops that growth (V8 still resizes it a little by other rules: 8.4 MB at most in the build above). `--max-semi-space-size` would say
// the same, but V8 reads that only when the heap is created, and an action cannot pass Node flags.
//
// This changes the whole process, so it is for processes that run one job and own their heap: a GitHub
// Action step, a command-line tool, the benchmark's stand-in for them. Not for a library's callers in
// general, and never for an editor's extension host, which shares its heap with other extensions.

import { setFlagsFromString } from 'node:v8';

let held = false;

/**
 * Stops V8 from growing this process's young generation as a run goes on, so that in a long streaming job
 * (building or uploading a package of gigabytes) it stays about the size it has in a short one. Costs more,
 * smaller young-generation collections; call it once, at the start of a process that owns its heap (an action
 * step, a CLI), never inside a shared host such as an editor. Calling it again does nothing.
 */
export function holdYoungGeneration(): void {
  if (held) return;
  held = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
