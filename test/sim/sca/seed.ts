// The `demo` seed's SCA part: one project whose build holds a package of every
// verdict, in the Test stage so its noncompliant and inconclusive packages have issues.

import type { Sim } from '../context.js';
import type { ApiKeyConfig } from '../types.js';
import { analyzeBuild } from './analysis.js';
import { scaState } from './state.js';

/** Keys limited to SCA privileges, for `startSimulator({ apiKeys: SCA_KEYS })` (demo-admin-key holds all). */
export const SCA_KEYS: ApiKeyConfig[] = [
  {
    key: 'demo-sca-key',
    privileges: [
      'Projects_View',
      'Projects_Manage',
      'Projects_UploadSbom',
      'Projects_ResolveIssue',
      'Feeds_ViewFeed',
    ],
  },
  { key: 'demo-sbom-key', privileges: ['Projects_UploadSbom'] },
  { key: 'demo-sca-view-key', privileges: ['Projects_View'] },
];

export const DEMO_SCA_PROJECT = 'proget-ci-demo';
export const DEMO_SCA_BUILD = '1.0.0';

/** One purl per verdict (see data.ts). */
export const DEMO_SCA_PACKAGES = [
  'pkg:npm/lodash@4.17.21',
  'pkg:npm/semver@7.5.1',
  'pkg:npm/lodash@4.17.20',
  'pkg:pypi/pyqt5@5.15.9',
  'pkg:npm/mystery-widget@1.0.0',
  'pkg:npm/event-stream@3.3.6',
  'pkg:nuget/Newtonsoft.Json@13.0.3',
];

export function seedScaDemo(sim: Sim): void {
  const state = scaState(sim);
  if (state.projects.some((p) => p.name === DEMO_SCA_PROJECT)) return;
  state.projects.push({ id: state.nextProjectId++, name: DEMO_SCA_PROJECT, type: 'application' });
  const build = {
    id: state.nextBuildId++,
    project: DEMO_SCA_PROJECT,
    version: DEMO_SCA_BUILD,
    active: true,
    stage: 'Test',
    created: '2026-01-05T10:00:00.000Z',
    packages: [...DEMO_SCA_PACKAGES],
    issues: [],
    nextIssue: 1,
    comments: [
      { number: 1, by: 'proget', date: '2026-01-05T10:05:00.000Z', comment: 'Seeded by the simulator.' },
    ],
    nextComment: 2,
  };
  state.builds.push(build);
  analyzeBuild(state, build);
}
