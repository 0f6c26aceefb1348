// /api/sca/** (projects, builds and their legacy "releases" path, import/export, audit, promote, issues,
// comments, vulnerability audit and assessment), /api/packages/{feed}/metadata|audit|status and the
// license lists (sca-api-notes §1, §3–6). Where docs and pgutil disagree, both spellings are served.

import { displayUser, FORBIDDEN_TEXT, type Principal } from '../auth.js';
import type { Call, Feed, Sim } from '../context.js';
import { packageTypeOf } from '../context.js';
import { HttpError, json, mediaType, readBody, type SimResponse, text } from '../http.js';
import type { Privilege } from '../types.js';
import { analysisResults, analyzeBuild, detailOf, evaluate, findLicense, STATUS_TEXT } from './analysis.js';
import { exportJson, exportXml, type ImportedBom, readJsonBom, readXmlBom } from './cyclonedx.js';
import { keyOf, parsePurl, purlKey } from './purl.js';
import {
  type Assessment,
  countAction,
  type PackageResult,
  refuseFree,
  type ScaBuild,
  type ScaState,
  scaState,
} from './state.js';

/** SBOMs above this are refused (413); the client streams them, the simulator may hold one. */
const SBOM_LIMIT = 256 * 1024 * 1024;

/** The SCA pages: 403 with an empty body for a missing, unknown or unauthorized key. */
function allow(sim: Sim, call: Call, ...privileges: Privilege[]): Principal {
  const who = call.who();
  if (who.kind !== 'invalid' && privileges.some((p) => sim.can(who, p))) return who;
  throw new HttpError(403, '');
}

const VIEW: Privilege[] = ['Projects_View', 'Projects_Manage'];
const MANAGE: Privilege[] = ['Projects_Manage'];

function param(q: URLSearchParams, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = q.get(n);
    if (v !== null && v.trim() !== '') return v;
  }
  return undefined;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new HttpError(400, `Missing required argument: ${what}.`);
  return value;
}

function origin(call: Call): string {
  return `${call.url.protocol}//${call.url.host}`;
}

function findProject(state: ScaState, name: string) {
  const n = name.toLowerCase();
  return state.projects.find((p) => p.name.toLowerCase() === n);
}

function findBuild(state: ScaState, project: string, version: string): ScaBuild | undefined {
  const p = project.toLowerCase();
  return state.builds.find((b) => b.project.toLowerCase() === p && b.version === version);
}

function requireBuild(state: ScaState, project: string | undefined, version: string | undefined): ScaBuild {
  const build = findBuild(state, need(project, 'project'), need(version, 'build (or version)'));
  if (!build) throw new HttpError(404, `Project ${project} or its build ${version} was not found.`);
  return build;
}

function ensureProject(state: ScaState, name: string, type?: string) {
  let project = findProject(state, name);
  if (!project) {
    project = { id: state.nextProjectId++, name, type };
    state.projects.push(project);
  }
  return project;
}

function ensureBuild(state: ScaState, project: string, version: string): ScaBuild {
  let build = findBuild(state, project, version);
  if (!build) {
    build = {
      id: state.nextBuildId++,
      project,
      version,
      active: true,
      stage: 'Build',
      created: new Date().toISOString(),
      packages: [],
      issues: [],
      nextIssue: 1,
      comments: [],
      nextComment: 1,
    };
    state.builds.push(build);
  }
  return build;
}

function vulnerabilityJson(sim: Sim, entry: PackageResult['vulnerabilities'][number]) {
  const v = entry.vulnerability;
  const legacy = sim.behaviour.versionMode !== '2026';
  // Before 2026 the assessment types were Ignore / Caution / Blocked.
  const names = { Monitor: 'Ignore', Remediate: 'Caution', Contain: 'Blocked' } as const;
  const assessment = entry.assessment
    ? legacy
      ? names[entry.assessment.type]
      : entry.assessment.type
    : undefined;
  return {
    id: v.id,
    title: v.summary,
    description: v.details,
    ...(v.numericCvss !== undefined ? { score: v.numericCvss } : {}),
    ...(assessment ? { assessment } : {}),
  };
}

function buildJson(sim: Sim, call: Call, state: ScaState, build: ScaBuild, legacy: boolean) {
  const base = origin(call);
  const results = new Map((build.analysis?.results ?? []).map((r) => [purlKey(r.purl), r]));
  return {
    version: build.version,
    active: build.active,
    ...(build.url ? { url: build.url } : {}),
    ...(legacy
      ? {
          viewReleaseUrl: `${base}/projects/release?projectReleaseId=${build.id}`,
          viewIssuesUrl: `${base}/projects/release/issues?projectReleaseId=${build.id}`,
        }
      : { viewBuildUrl: `${base}/projects2/builds/build?buildId=${build.id}` }),
    created: build.created,
    ...(build.release ? { release: build.release } : {}),
    stage: build.stage,
    comments: build.comments.map(commentJson),
    packages: build.packages.map((purl) => {
      const r = results.get(purlKey(purl)) ?? evaluate(state, purl);
      const detail = detailOf(r);
      return {
        purl,
        licenses: r.licenses,
        compliance: {
          result: STATUS_TEXT[r.status],
          ...(detail ? { detail } : {}),
          date: build.analysis?.date ?? build.created,
        },
        vulnerabilities: r.vulnerabilities.map((v) => vulnerabilityJson(sim, v)),
      };
    }),
  };
}

function commentJson(c: ScaBuild['comments'][number]) {
  return { number: c.number, by: c.by, date: c.date, comment: c.comment };
}

async function readSbom(call: Call): Promise<ImportedBom> {
  const body = await readBody(call.body, SBOM_LIMIT);
  const type = mediaType(call.req);
  const textBody = body.toString('utf8');
  const first = textBody
    .replace(/^\uFEFF/, '')
    .trimStart()
    .charAt(0);
  const isXml = type === 'text/xml' || type === 'application/xml' || type.endsWith('+xml');
  const isJson = type === 'application/json' || type.endsWith('+json');
  if (textBody.trim() === '') throw new HttpError(400, 'The SBOM document is not valid: the body is empty.');
  if (isXml || (!isJson && first === '<')) return readXmlBom(textBody);
  if (isJson || first === '{') return readJsonBom(textBody);
  throw new HttpError(
    400,
    'The SBOM document is not valid: expected CycloneDX XML (text/xml) or JSON (application/json).',
  );
}

async function importSbom(sim: Sim, call: Call, state: ScaState): Promise<SimResponse> {
  allow(sim, call, 'Projects_UploadSbom', 'Projects_Manage');
  refuseFree(sim, state);
  countAction(sim, state);
  const bom = await readSbom(call);
  const q = call.query;
  const override = state.options.importQueryOverrides;
  const name = (override ? param(q, 'project') : undefined) ?? bom.name;
  const version = (override ? param(q, 'version') : undefined) ?? bom.version;
  if (!name || !version)
    throw new HttpError(
      400,
      'The SBOM document is not valid: metadata.component must have a name and a version (they name the project and build).',
    );
  ensureProject(state, name, bom.type && bom.type !== 'null' ? bom.type : undefined);
  const build = ensureBuild(state, findProject(state, name)!.name, version);
  const seen = new Set(state.options.reimport === 'merge' ? build.packages.map(purlKey) : []);
  const packages = state.options.reimport === 'merge' ? [...build.packages] : [];
  for (const purl of bom.purls) {
    const k = purlKey(purl);
    if (seen.has(k)) continue;
    seen.add(k);
    packages.push(purl);
  }
  build.packages = packages;
  analyzeBuild(state, build);
  return { status: 200, body: '' };
}

function exportSbom(sim: Sim, call: Call, state: ScaState): SimResponse {
  allow(sim, call, ...MANAGE);
  refuseFree(sim, state);
  const q = call.query;
  const build = requireBuild(state, param(q, 'project'), param(q, 'version', 'build'));
  const project = findProject(state, build.project)!;
  const results = new Map((build.analysis?.results ?? []).map((r) => [purlKey(r.purl), r]));
  const input = {
    origin: origin(call),
    productVersion: sim.productVersion.version,
    project: { name: project.name, type: project.type },
    version: build.version,
    components: build.packages.map((purl) => {
      const p = parsePurl(purl);
      return {
        purl,
        group: p?.namespace || undefined,
        name: p?.name ?? purl,
        version: p?.version ?? '',
        licenses: (results.get(purlKey(purl)) ?? evaluate(state, purl)).licenses,
      };
    }),
  };
  const format = (param(q, 'format') ?? 'xml').toLowerCase();
  if (format === 'json')
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: exportJson(input),
    };
  if (format === 'xml')
    return { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: exportXml(input) };
  throw new HttpError(400, `Unknown format "${format}": use xml or json.`);
}

function stageOf(state: ScaState, name: string) {
  return state.stages.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

function promote(sim: Sim, call: Call, state: ScaState): SimResponse {
  allow(sim, call, ...MANAGE);
  refuseFree(sim, state);
  const q = call.query;
  const stageName = need(param(q, 'stage'), 'stage');
  const build = requireBuild(state, param(q, 'project'), param(q, 'build', 'version'));
  const stage = stageOf(state, stageName);
  if (!stage) throw new HttpError(state.options.unknownStageStatus, `Stage "${stageName}" was not found.`);
  countAction(sim, state);
  build.stage = stage.name;
  analyzeBuild(state, build);
  // Archive other builds of the project in this stage beyond the stage's keep count, oldest first.
  const others = state.builds
    .filter((b) => b.project === build.project && b.stage === stage.name && b.active)
    .sort((a, b) => (a === build ? -1 : b === build ? 1 : b.created.localeCompare(a.created) || b.id - a.id));
  for (const b of others.slice(stage.keep)) b.active = false;
  if (state.options.promoteResponse === 'empty') return { status: 200, body: '' };
  return json(200, analysisResults(build));
}

function projects(sim: Sim, call: Call, state: ScaState): SimResponse | Promise<SimResponse> {
  const q = call.query;
  switch (call.method) {
    case 'GET': {
      allow(sim, call, ...VIEW);
      const name = param(q, 'name', 'project');
      if (name === undefined) return json(200, state.projects.map(projectJson));
      const p = findProject(state, name);
      if (!p) throw new HttpError(404, `Project ${name} was not found.`);
      return json(200, projectJson(p));
    }
    case 'POST':
      return saveProject(sim, call, state);
    case 'DELETE': {
      allow(sim, call, ...MANAGE);
      const name = need(param(q, 'name', 'project'), 'name');
      const p = findProject(state, name);
      if (!p) throw new HttpError(404, `Project ${name} was not found.`);
      state.projects = state.projects.filter((x) => x !== p);
      state.builds = state.builds.filter((b) => b.project !== p.name);
      return { status: 200, body: '' };
    }
    default:
      throw new HttpError(405, 'Use GET, POST or DELETE.', { Allow: 'GET, POST, DELETE' });
  }
}

function projectJson(p: ScaState['projects'][number]) {
  return { id: p.id, name: p.name, ...(p.type ? { type: p.type } : {}), ...(p.url ? { url: p.url } : {}) };
}

async function jsonBody(call: Call): Promise<Record<string, unknown>> {
  const raw = (await readBody(call.body, 1024 * 1024)).toString('utf8');
  if (raw.trim() === '') throw new HttpError(400, 'A JSON body is required.');
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new HttpError(400, `The request body is not a valid JSON object: ${(e as Error).message}`);
  }
}

function strField(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name] ?? o[name.charAt(0).toUpperCase() + name.slice(1)];
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

async function saveProject(sim: Sim, call: Call, state: ScaState): Promise<SimResponse> {
  allow(sim, call, ...MANAGE);
  const body = await jsonBody(call);
  const name = strField(body, 'name');
  if (!name) throw new HttpError(400, 'Missing required property: name.');
  const p = ensureProject(state, name);
  const type = strField(body, 'type');
  const url = strField(body, 'url');
  if (type !== undefined) p.type = type;
  if (url !== undefined) p.url = url;
  return json(200, projectJson(p));
}

async function builds(sim: Sim, call: Call, state: ScaState, legacyPath: boolean): Promise<SimResponse> {
  const q = call.query;
  // The legacy objects (viewReleaseUrl) come from 2022/2023 servers only.
  const legacy = legacyPath && sim.behaviour.versionMode === '2023';
  switch (call.method) {
    case 'GET': {
      allow(sim, call, ...VIEW);
      const projectName = need(param(q, 'project'), 'project');
      const project = findProject(state, projectName);
      if (!project) throw new HttpError(404, `Project ${projectName} was not found.`);
      const version = param(q, 'version', 'build');
      if (version === undefined) {
        return json(
          200,
          state.builds
            .filter((b) => b.project === project.name)
            .map((b) => buildJson(sim, call, state, b, legacy)),
        );
      }
      const build = findBuild(state, project.name, version);
      if (!build) throw new HttpError(404, `Build ${version} of project ${project.name} was not found.`);
      return json(200, buildJson(sim, call, state, build, legacy));
    }
    case 'POST': {
      allow(sim, call, ...MANAGE);
      const body = await jsonBody(call);
      const projectName = strField(body, 'project');
      const version = strField(body, 'version');
      if (!projectName || !version)
        throw new HttpError(400, 'Missing required properties: project and version.');
      const project = findProject(state, projectName);
      // Whether creating a build creates its project is UNVERIFIED; the simulator asks for the project first.
      if (!project) throw new HttpError(400, `Project ${projectName} was not found.`);
      const build = ensureBuild(state, project.name, version);
      if (typeof body.active === 'boolean') build.active = body.active;
      const url = strField(body, 'url');
      if (url !== undefined) build.url = url;
      const stageName = strField(body, 'stage');
      if (stageName !== undefined) {
        const stage = stageOf(state, stageName);
        if (!stage) throw new HttpError(400, `Stage "${stageName}" was not found.`);
        build.stage = stage.name;
      }
      return json(200, buildJson(sim, call, state, build, legacy));
    }
    case 'DELETE': {
      allow(sim, call, ...MANAGE);
      const build = requireBuild(state, param(q, 'project'), param(q, 'version', 'build'));
      state.builds = state.builds.filter((b) => b !== build);
      return { status: 200, body: '' };
    }
    default:
      throw new HttpError(405, 'Use GET, POST or DELETE.', { Allow: 'GET, POST, DELETE' });
  }
}

function issues(sim: Sim, call: Call, state: ScaState): SimResponse {
  const q = call.query;
  const project = param(q, 'project');
  const version = param(q, 'version', 'build');
  switch (call.method) {
    case 'GET': {
      allow(sim, call, ...VIEW);
      const build = requireBuild(state, project, version);
      return json(
        200,
        build.issues.map((i) => ({
          number: i.number,
          created: i.created,
          detail: i.detail,
          purl: i.purl,
          resolved: i.resolved,
        })),
      );
    }
    case 'POST':
    case 'DELETE': {
      if (call.method === 'POST') allow(sim, call, 'Projects_ResolveIssue', 'Projects_Manage');
      else allow(sim, call, ...MANAGE);
      const build = requireBuild(state, project, version);
      const number = Number(need(param(q, 'number'), 'number'));
      const issue = build.issues.find((i) => i.number === number);
      if (!issue) throw new HttpError(400, `Issue #${param(q, 'number')} was not found.`);
      if (call.method === 'DELETE') build.issues = build.issues.filter((i) => i !== issue);
      else {
        const resolve = (param(q, 'resolve') ?? 'true').toLowerCase();
        if (resolve !== 'true' && resolve !== 'false')
          throw new HttpError(400, 'resolve must be true or false.');
        issue.resolved = resolve === 'true';
      }
      return { status: 200, body: '' };
    }
    default:
      throw new HttpError(405, 'Use GET, POST or DELETE.', { Allow: 'GET, POST, DELETE' });
  }
}

async function comments(sim: Sim, call: Call, state: ScaState): Promise<SimResponse> {
  const q = call.query;
  switch (call.method) {
    case 'GET': {
      allow(sim, call, ...VIEW);
      const build = requireBuild(state, param(q, 'project'), param(q, 'version', 'build'));
      return json(200, build.comments.map(commentJson));
    }
    case 'POST': {
      const who = allow(sim, call, ...MANAGE);
      const body = await jsonBody(call);
      // BuildCommentCreateInfo names the build in the body; the docs' BuildComment leaves it to the query.
      const build = requireBuild(
        state,
        strField(body, 'project') ?? param(q, 'project'),
        strField(body, 'version') ?? param(q, 'version', 'build'),
      );
      const textValue = strField(body, 'comment');
      if (!textValue) throw new HttpError(400, 'Missing required property: comment.');
      const number = typeof body.number === 'number' ? body.number : undefined;
      const existing = number === undefined ? undefined : build.comments.find((c) => c.number === number);
      if (existing) {
        existing.comment = textValue;
        return json(200, commentJson(existing));
      }
      const comment = {
        number: build.nextComment++,
        by: strField(body, 'by') ?? displayUser(who),
        date: strField(body, 'date') ?? new Date().toISOString(),
        comment: textValue,
      };
      build.comments.push(comment);
      return json(200, commentJson(comment));
    }
    case 'DELETE': {
      allow(sim, call, ...MANAGE);
      const build = requireBuild(state, param(q, 'project'), param(q, 'version', 'build'));
      const number = Number(need(param(q, 'number'), 'number'));
      if (!build.comments.some((c) => c.number === number))
        throw new HttpError(400, `Comment #${param(q, 'number')} was not found.`);
      build.comments = build.comments.filter((c) => c.number !== number);
      return { status: 200, body: '' };
    }
    default:
      throw new HttpError(405, 'Use GET, POST or DELETE.', { Allow: 'GET, POST, DELETE' });
  }
}

async function auditVulns(sim: Sim, call: Call, state: ScaState): Promise<SimResponse> {
  allow(sim, call, ...MANAGE);
  refuseFree(sim, state);
  countAction(sim, state);
  const raw = (await readBody(call.body, 64 * 1024 * 1024)).toString('utf8');
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (e) {
    throw new HttpError(400, `The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list)) throw new HttpError(400, 'The request body must be a JSON array of packages.');
  const keys = list.map((item, i) => {
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const type = strField(o, 'type');
    const name = strField(o, 'name');
    const version = strField(o, 'version');
    if (!type || !name || !version)
      throw new HttpError(400, `Package ${i}: type, name and version are required.`);
    return keyOf(type.toLowerCase(), strField(o, 'group') ?? '', name, version);
  });
  const out: Record<string, unknown>[] = [];
  for (const v of state.vulnerabilities) {
    const affected = keys.flatMap((k, i) => (v.affects.some((a) => purlKey(a) === k) ? [i] : []));
    if (affected.length === 0) continue;
    out.push({
      id: v.id,
      affectedPackages: affected,
      summary: v.summary,
      published: v.published,
      details: v.details,
      ...(v.cve ? { cve: v.cve } : {}),
      ...(v.cvss ? { cvss: v.cvss } : {}),
      ...(v.numericCvss !== undefined ? { numericCvss: v.numericCvss } : {}),
      ...(v.severity ? { severity: v.severity } : {}),
    });
  }
  return json(200, out);
}

const ASSESSMENT_TYPES: Record<string, Assessment['type']> = {
  monitor: 'Monitor',
  remediate: 'Remediate',
  contain: 'Contain',
};
const ASSESSMENT_ALIASES: Record<string, Assessment['type']> = {
  ignore: 'Monitor',
  caution: 'Remediate',
  blocked: 'Contain',
};

function assess(sim: Sim, call: Call, state: ScaState): SimResponse {
  const who = allow(sim, call, ...MANAGE);
  refuseFree(sim, state);
  const q = call.query;
  const id = need(param(q, 'id'), 'id');
  const typeArg = need(param(q, 'type'), 'type').toLowerCase();
  const type =
    ASSESSMENT_TYPES[typeArg] ?? (state.options.assessAliases ? ASSESSMENT_ALIASES[typeArg] : undefined);
  if (!type) throw new HttpError(400, `Unknown assessment type "${param(q, 'type')}".`);
  const vuln = state.vulnerabilities.find((v) => v.id.toLowerCase() === id.toLowerCase());
  if (!vuln) throw new HttpError(400, `Vulnerability ${id} was not found.`);
  const policy = param(q, 'policy');
  if (policy && sim.behaviour.edition !== 'Enterprise')
    throw new HttpError(400, 'Policy-scoped assessments require ProGet Enterprise.');
  countAction(sim, state);
  state.assessments.set(vuln.id.toLowerCase(), {
    type,
    comment: param(q, 'comment'),
    policy,
    date: new Date().toISOString(),
    by: displayUser(who),
  });
  return { status: 200, body: '' };
}

function permissions(sim: Sim, call: Call): SimResponse {
  const who = call.who();
  const has = (...p: Privilege[]) => who.kind !== 'invalid' && p.some((x) => sim.can(who, x));
  return json(200, {
    canView: has(...VIEW),
    canManage: has(...MANAGE),
    canUploadSbom: has('Projects_UploadSbom', 'Projects_Manage'),
  });
}

async function scaRoute(sim: Sim, call: Call, op: string | undefined): Promise<SimResponse> {
  const state = scaState(sim);
  const post = (fn: () => SimResponse | Promise<SimResponse>) => {
    if (call.method !== 'POST') throw new HttpError(405, 'Use POST.', { Allow: 'POST' });
    return fn();
  };
  switch (op) {
    case 'import':
      return post(() => importSbom(sim, call, state));
    case 'export':
      return exportSbom(sim, call, state);
    case 'audit-build':
    case 'audit-release':
      return post(() => {
        allow(sim, call, ...MANAGE);
        refuseFree(sim, state);
        // `build=` (pgutil, docs since 2025-11-28) and the older `version=`.
        const build = requireBuild(
          state,
          param(call.query, 'project'),
          param(call.query, 'build', 'version'),
        );
        countAction(sim, state);
        analyzeBuild(state, build);
        return json(200, analysisResults(build));
      });
    case 'analyze-build':
    case 'analyze-release':
      return post(() => {
        allow(sim, call, ...MANAGE);
        refuseFree(sim, state);
        const build = requireBuild(
          state,
          param(call.query, 'project'),
          param(call.query, 'version', 'build'),
        );
        countAction(sim, state);
        analyzeBuild(state, build);
        return { status: 200, body: '' };
      });
    case 'promote-build':
      return post(() => promote(sim, call, state));
    case 'projects':
      refuseFreeUnlessAllowed(sim, call, state);
      return projects(sim, call, state);
    case 'builds':
      refuseFreeUnlessAllowed(sim, call, state);
      return builds(sim, call, state, false);
    case 'releases':
      if (!state.options.legacyReleasesPath) return text(404, 'Not Found');
      refuseFreeUnlessAllowed(sim, call, state);
      return builds(sim, call, state, true);
    case 'issues':
      refuseFreeUnlessAllowed(sim, call, state);
      return issues(sim, call, state);
    case 'comments':
      refuseFreeUnlessAllowed(sim, call, state);
      return comments(sim, call, state);
    case 'audit-package-vulns':
      return post(() => auditVulns(sim, call, state));
    case 'assess':
      return post(() => assess(sim, call, state));
    case 'permissions':
      return permissions(sim, call);
    default:
      return text(404, 'Not Found');
  }
}

/** Free: the key is checked first (a bad key is still a 403), then the edition refuses. */
function refuseFreeUnlessAllowed(sim: Sim, call: Call, state: ScaState): void {
  if (sim.behaviour.edition !== 'Free') return;
  allow(sim, call, 'Projects_View', 'Projects_Manage', 'Projects_UploadSbom', 'Projects_ResolveIssue');
  refuseFree(sim, state);
}

// --- Packages API: metadata, audit, status --------------------------------------------------------

interface Located {
  feed: Feed;
  key: string;
  name: string;
  version: string;
  group: string;
  state: 'Local' | 'Remote';
  published?: string;
  publishedBy?: string;
  size?: number;
  downloads?: number;
  listed: boolean;
}

function locate(sim: Sim, call: Call, state: ScaState, feed: Feed): Located {
  const q = call.query;
  const type = packageTypeOf(feed);
  let group: string;
  let name: string;
  let version: string;
  const purlText = param(q, 'purl');
  if (purlText) {
    const p = parsePurl(purlText);
    if (!p) throw new HttpError(400, `"${purlText}" is not a valid package URL.`);
    group = p.namespace;
    name = p.name;
    version = p.version;
  } else {
    const n = param(q, 'name');
    const v = param(q, 'version');
    if (!n || !v) throw new HttpError(400, 'Specify the package with purl, or name and version.');
    name = n;
    version = v;
    group = param(q, 'group') ?? '';
  }
  // npm scopes: `group=angular` (docs example) and `group=%40angular` (pgutil) are the same scope.
  const npmScope = type === 'npm' && group ? `@${group.replace(/^@/, '')}` : group;
  const local =
    sim.store.find(feed.name, group.replace(/^@/, ''), name, version) ??
    sim.store.find(feed.name, npmScope, name, version);
  const key = keyOf(type, npmScope, name, version);
  if (local) {
    return {
      feed,
      key,
      name: local.name,
      version: local.version,
      group: local.group,
      state: local.cached ? 'Remote' : 'Local',
      published: local.published,
      publishedBy: local.publishedBy,
      size: undefined,
      downloads: local.downloads,
      listed: local.listed,
    };
  }
  const facts = state.packages.get(key);
  if (facts) {
    // Pulled through a connector: ProGet has it as a remote (cached) package.
    return {
      feed,
      key,
      name,
      version,
      group,
      state: 'Remote',
      published: facts.published,
      listed: true,
    };
  }
  throw new HttpError(
    state.options.packageNotFoundStatus,
    `Package ${group ? `${group}/` : ''}${name} ${version} was not found in feed ${feed.name}.`,
  );
}

function overrideKey(feed: Feed, key: string): string {
  return `${feed.name.toLowerCase()}\n${key}`;
}

function metadata(sim: Sim, call: Call, state: ScaState, feedName: string): SimResponse {
  const who = call.who();
  const feed = packagesFeed(sim, who, feedName, 'Feeds_ViewFeed');
  const pkg = locate(sim, call, state, feed);
  const result = evaluate(state, pkg.key, pkg.state === 'Local' ? true : undefined);
  const override = state.statusOverrides.get(overrideKey(feed, pkg.key)) ?? {};
  const free = sim.behaviour.edition === 'Free';
  const allowDownload = override.allow === false ? false : override.allow === true ? true : !result.blocked;
  return json(200, {
    name: pkg.name,
    version: pkg.version,
    ...(pkg.published ? { published: pkg.published } : {}),
    ...(pkg.publishedBy ? { publishedBy: pkg.publishedBy } : {}),
    state: pkg.state,
    ...(pkg.downloads !== undefined ? { downloads: pkg.downloads } : {}),
    // Vulnerability details and compliance are not available in ProGet Free.
    ...(free
      ? {}
      : {
          vulnerabilities: result.vulnerabilities.map((v) => ({
            id: v.vulnerability.id,
            summary: v.vulnerability.summary,
            ...(v.vulnerability.numericCvss !== undefined ? { score: v.vulnerability.numericCvss } : {}),
            assessments: v.assessment
              ? [
                  {
                    type: v.assessment.type,
                    severity: v.vulnerability.severity ?? 'None',
                    blocked: v.assessment.type === 'Contain',
                    date: v.assessment.date,
                    by: v.assessment.by,
                  },
                ]
              : [],
          })),
          complianceReport: {
            analysisDate: new Date().toISOString(),
            analysisResult: STATUS_TEXT[result.status],
            issues: result.reasons,
          },
        }),
    licenses: result.licenses.map((code) => ({ code, title: findLicense(state, code)?.title ?? code })),
    status: {
      deprecated: override.deprecated ?? false,
      listed: override.listed ?? pkg.listed,
      // Always an explicit boolean: pgutil prints "Download Blocked" for null.
      allowDownload,
    },
  });
}

function packagesFeed(sim: Sim, who: Principal, feedName: string, privilege: Privilege): Feed {
  // The Packages pages answer 403 with this text (not the SCA pages' empty body).
  if (who.kind === 'invalid') throw new HttpError(403, FORBIDDEN_TEXT);
  return sim.usableFeed(who, feedName, privilege);
}

function auditPackage(sim: Sim, call: Call, state: ScaState, feedName: string): SimResponse {
  const who = call.who();
  const feed = packagesFeed(sim, who, feedName, 'Feeds_ViewFeed');
  refuseFree(sim, state);
  const pkg = locate(sim, call, state, feed);
  countAction(sim, state);
  const result = evaluate(state, pkg.key, pkg.state === 'Local' ? true : undefined);
  return json(200, {
    resultCode: state.options.auditResultCode === 'letter' ? result.status : null,
    analysisDate: new Date().toISOString(),
    detail: detailOf(result) ?? '',
    statusText: STATUS_TEXT[result.status],
  });
}

async function setStatus(sim: Sim, call: Call, state: ScaState, feedName: string): Promise<SimResponse> {
  const who = call.who();
  const feed = packagesFeed(sim, who, feedName, 'Feeds_UnlistPackage');
  const pkg = locate(sim, call, state, feed);
  const raw = (await readBody(call.body, 1024 * 1024)).toString('utf8');
  let body: Record<string, unknown> = {};
  if (raw.trim() !== '') {
    try {
      // The docs' own example has a trailing comma: ProGet's reader evidently accepts it.
      body = JSON.parse(raw.replace(/,\s*([}\]])/g, '$1')) as Record<string, unknown>;
    } catch (e) {
      throw new HttpError(400, `The request body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(400, 'The request body must be a PackageStatus JSON object.');
  }
  const k = overrideKey(feed, pkg.key);
  const o = { ...state.statusOverrides.get(k) };
  for (const f of ['listed', 'deprecated'] as const) {
    if (f in body) {
      if (typeof body[f] !== 'boolean') throw new HttpError(400, `${f} must be true or false.`);
      o[f] = body[f] as boolean;
    }
  }
  if ('allow' in body) {
    if (body.allow !== null && typeof body.allow !== 'boolean')
      throw new HttpError(400, 'allow must be true, false or null.');
    o.allow = body.allow as boolean | null;
  }
  if ('deprecationReason' in body) o.deprecationReason = strField(body, 'deprecationReason');
  state.statusOverrides.set(k, o);
  return { status: 200, body: '' };
}

function licenses(sim: Sim, call: Call, state: ScaState, legacy: boolean): SimResponse {
  const who = call.who();
  const ok =
    who.kind !== 'invalid' &&
    (legacy
      ? sim.can(who, 'Feeds_ViewFeed') || sim.can(who, 'Licenses_Manage')
      : sim.can(who, 'Licenses_Manage'));
  if (!ok) throw new HttpError(403, FORBIDDEN_TEXT);
  if (legacy) {
    return json(
      200,
      state.licenses.map((l) => ({
        licenseId: l.code,
        title: l.title,
        urls: l.urls,
        allowed: l.policy !== 'blocked',
        allowedLicenses: l.policy === 'blocked' ? [] : ['OpenLicenses'],
        blockedLicenses: l.policy === 'blocked' ? ['BlockedLicenses'] : [],
      })),
    );
  }
  return json(
    200,
    state.licenses.map((l, i) => ({
      id: i + 1,
      code: l.code,
      title: l.title,
      spdx: l.spdx ?? [l.code],
      urls: l.urls,
    })),
  );
}

/**
 * The SCA and compliance routes under `/api`; undefined for any other path, which the caller routes on.
 * `s` are the path segments after `api`.
 */
export async function scaApi(sim: Sim, call: Call, s: string[]): Promise<SimResponse | undefined> {
  const [a, b, c] = s;
  if (a === 'sca' && s.length === 2) return scaRoute(sim, call, b);
  if (a === 'licenses' && b === 'list' && s.length === 2) return licenses(sim, call, scaState(sim), false);
  if (a === 'management' && b === 'licenses' && c === 'list' && s.length === 3)
    return licenses(sim, call, scaState(sim), true);
  if (a === 'packages' && b !== undefined && s.length === 3) {
    const state = scaState(sim);
    if (c === 'metadata') {
      if (call.method !== 'GET') throw new HttpError(405, 'Use GET.', { Allow: 'GET' });
      return metadata(sim, call, state, b);
    }
    if (c === 'audit') {
      if (call.method !== 'POST') throw new HttpError(405, 'Use POST.', { Allow: 'POST' });
      return auditPackage(sim, call, state, b);
    }
    if (c === 'status') {
      if (call.method !== 'POST' && call.method !== 'PUT')
        throw new HttpError(405, 'Use POST or PUT.', { Allow: 'POST, PUT' });
      return setStatus(sim, call, state, b);
    }
  }
  return undefined;
}
