// The simulated SCA server's state, one per simulator: projects, builds with their analyses, issues and
// comments, assessments, package status overrides, Basic's action clock, and the data set.

import type { Sim } from '../context.js';
import { HttpError } from '../http.js';
import {
  SEED_LICENSES,
  SEED_PACKAGES,
  SEED_VULNERABILITIES,
  type SimLicense,
  type SimPackageFacts,
  type SimVulnerability,
} from './data.js';
import type { ScaSimOptions } from './options.js';
import { purlKey } from './purl.js';

export type StatusLetter = 'C' | 'W' | 'I' | 'N';

export interface PackageResult {
  purl: string;
  status: StatusLetter;
  reasons: string[];
  licenses: string[];
  vulnerabilities: Array<{ vulnerability: SimVulnerability; assessment?: Assessment }>;
  blocked: boolean;
  cached: boolean;
}

export interface Assessment {
  /** Canonical 2026 name: Monitor, Remediate or Contain. */
  type: 'Monitor' | 'Remediate' | 'Contain';
  comment?: string;
  policy?: string;
  date: string;
  by: string;
}

export interface ScaProject {
  id: number;
  name: string;
  type?: string;
  url?: string;
}

export interface ScaIssue {
  number: number;
  created: string;
  detail: string;
  purl: string;
  resolved: boolean;
}

export interface ScaComment {
  number: number;
  by: string;
  date: string;
  comment: string;
}

export interface ScaBuild {
  id: number;
  project: string;
  version: string;
  active: boolean;
  url?: string;
  stage: string;
  release?: string;
  created: string;
  /** purls as imported, in order, without duplicates. */
  packages: string[];
  analysis?: { date: string; status: StatusLetter; results: PackageResult[] };
  issues: ScaIssue[];
  nextIssue: number;
  comments: ScaComment[];
  nextComment: number;
}

export interface StageConfig {
  name: string;
  keep: number;
  createsIssues: boolean;
}

export interface ScaState {
  options: Required<Omit<ScaSimOptions, 'vulnerabilities' | 'licenses' | 'packages'>>;
  projects: ScaProject[];
  builds: ScaBuild[];
  nextProjectId: number;
  nextBuildId: number;
  vulnerabilities: SimVulnerability[];
  licenses: SimLicense[];
  packages: Map<string, SimPackageFacts>;
  assessments: Map<string, Assessment>;
  /** Key: feed (lower case) + '\n' + purl key. */
  statusOverrides: Map<
    string,
    { listed?: boolean; allow?: boolean | null; deprecated?: boolean; deprecationReason?: string }
  >;
  actionTimes: number[];
  stages: StageConfig[];
}

const states = new WeakMap<Sim, ScaState>();

export function configureSca(sim: Sim, options: ScaSimOptions = {}): ScaState {
  const packages = new Map<string, SimPackageFacts>();
  for (const [purl, facts] of Object.entries({ ...SEED_PACKAGES, ...options.packages })) {
    packages.set(purlKey(purl), facts);
  }
  const issueStages = (options.issueStages ?? ['Test', 'Production']).map((s) => s.toLowerCase());
  const state: ScaState = {
    options: {
      basicHourlyLimit: options.basicHourlyLimit ?? 10,
      freeStatus: options.freeStatus ?? 403,
      importQueryOverrides: options.importQueryOverrides ?? false,
      reimport: options.reimport ?? 'replace',
      promoteResponse: options.promoteResponse ?? 'analysis',
      unknownStageStatus: options.unknownStageStatus ?? 400,
      packageNotFoundStatus: options.packageNotFoundStatus ?? 404,
      auditResultCode: options.auditResultCode ?? 'letter',
      assessAliases: options.assessAliases ?? true,
      unassessedVulnerability: options.unassessedVulnerability ?? 'severity',
      issueStages,
      legacyReleasesPath: options.legacyReleasesPath ?? true,
    },
    projects: [],
    builds: [],
    nextProjectId: 1,
    nextBuildId: 1,
    vulnerabilities: [...SEED_VULNERABILITIES, ...(options.vulnerabilities ?? [])],
    licenses: [...SEED_LICENSES, ...(options.licenses ?? [])],
    packages,
    assessments: new Map(),
    statusOverrides: new Map(),
    actionTimes: [],
    // The built-in stages and their default actions (sca/builds page).
    stages: [
      { name: 'Build', keep: 10 },
      { name: 'Integration', keep: 3 },
      { name: 'Test', keep: 3 },
      { name: 'Production', keep: 1 },
    ].map((s) => ({ ...s, createsIssues: issueStages.includes(s.name.toLowerCase()) })),
  };
  states.set(sim, state);
  return state;
}

export function scaState(sim: Sim): ScaState {
  return states.get(sim) ?? configureSca(sim);
}

const HOUR = 60 * 60 * 1000;

/**
 * One SCA/compliance API action: Free refuses it (the caller checked), Basic counts it against its
 * hourly limit and answers 429 with Retry-After once the limit is reached, Enterprise never counts.
 */
export function countAction(sim: Sim, state: ScaState): void {
  if (sim.behaviour.edition !== 'Basic') return;
  const now = Date.now();
  state.actionTimes = state.actionTimes.filter((t) => now - t < HOUR);
  if (state.actionTimes.length >= state.options.basicHourlyLimit) {
    const oldest = state.actionTimes[0] ?? now;
    const wait = Math.max(1, Math.ceil((oldest + HOUR - now) / 1000));
    throw new HttpError(
      429,
      `ProGet Basic edition allows ${state.options.basicHourlyLimit} SCA and compliance API actions per hour; upgrade to ProGet Enterprise to remove this limit.`,
      { 'Retry-After': String(wait) },
    );
  }
  state.actionTimes.push(now);
}

export function refuseFree(sim: Sim, state: ScaState): void {
  if (sim.behaviour.edition === 'Free') {
    throw new HttpError(
      state.options.freeStatus,
      'This feature requires ProGet Basic or ProGet Enterprise; it is not available in ProGet Free.',
    );
  }
}
