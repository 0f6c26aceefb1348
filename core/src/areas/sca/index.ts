// client.sca: SCA projects and builds, vulnerabilities, package compliance and licenses
// (sca-api-notes §3–6). Where the docs and pgutil disagree, what pgutil sends is sent (notes §9).

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CallOptions } from '../../client-api.js';
import { ProGetError, ValidationError } from '../../errors.js';
import type { Transport } from '../../transport/transport.js';
import { regularFileSize } from '../../transport/upload.js';
import { joinPath, type QueryParams } from '../../transport/urls.js';
import { arrayOf, isObject } from '../wire.js';
import type {
  SbomImportOptions,
  ScaApi,
  ScaBuildsApi,
  ScaLicensesApi,
  ScaPackagesApi,
  ScaProjectsApi,
  ScaVulnerabilitiesApi,
} from './api.js';
import { scaJson, scaRequest, scaSend } from './calls.js';
import type {
  AssessRequest,
  BuildAnalysis,
  License,
  PackageAudit,
  PackageCompliance,
  PackageSelector,
  PackageStatusChange,
  SbomImportResult,
  ScaBuild,
  ScaBuildOptions,
  ScaComment,
  ScaCommentInput,
  ScaIssue,
  ScaPackageRef,
  ScaProject,
  Vulnerability,
} from './types.js';
import {
  parseBuild,
  parseBuildAnalysis,
  parseComment,
  parseIssue,
  parseLicense,
  parsePackageAudit,
  parsePackageMetadata,
  parseProject,
  parseVulnerabilities,
} from './wire.js';

const MANAGE = 'Manage SCA (Projects & Builds) — Projects_Manage for a personal key';
const VIEW = 'Manage SCA (Projects & Builds) — Projects_View for a personal key';

function required(subject: string, fields: Record<string, string | undefined>): void {
  const problems = Object.entries(fields)
    .filter(([, v]) => v === undefined || v.trim() === '')
    .map(([k]) => `${k} is required`);
  if (problems.length) throw new ValidationError(subject, problems);
}

function describeBuild(project: string, version: string): string {
  return `build ${version} of SCA project "${project}"`;
}

const NO_BUILD = (project: string, version: string) =>
  `Check that the SCA project "${project}" and its build ${version} exist (an SBOM import creates both).`;

export class ScaProjectsArea implements ScaProjectsApi {
  constructor(private readonly transport: Transport) {}

  async list(options?: CallOptions): Promise<ScaProject[]> {
    return scaJson(
      this.transport,
      {
        method: 'GET',
        path: joinPath('api', 'sca', 'projects'),
        signal: options?.signal,
        operation: 'list SCA projects',
        privilege: VIEW,
      },
      (json) => arrayOf(json, 'the project list').map(parseProject),
    );
  }

  async get(name: string, options?: CallOptions): Promise<ScaProject | undefined> {
    required('SCA project', { name });
    // pgutil sends `name`; the 2026 docs `project`: ask the first, then the other on 400/404.
    for (const param of ['name', 'project'] as const) {
      const found = await scaRequest(
        this.transport,
        {
          method: 'GET',
          path: joinPath('api', 'sca', 'projects'),
          query: { [param]: name },
          passStatuses: [400, 404],
          signal: options?.signal,
          operation: `get SCA project "${name}"`,
          privilege: VIEW,
        },
        async (r) => {
          if (r.status >= 300) {
            await r.readText();
            return null;
          }
          const json = await r.readJson();
          // A server that ignores the parameter answers the whole list.
          if (Array.isArray(json)) {
            const hit = json
              .filter(isObject)
              .map(parseProject)
              .find((p) => p.name.toLowerCase() === name.toLowerCase());
            return hit;
          }
          return parseProject(json);
        },
      );
      if (found !== null) return found;
    }
    return undefined;
  }

  async save(
    project: { name: string; type?: string; url?: string },
    options?: CallOptions,
  ): Promise<ScaProject> {
    required('SCA project', { name: project.name });
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'projects'),
        body: { type: 'json', value: { name: project.name, type: project.type, url: project.url } },
        idempotent: true,
        signal: options?.signal,
        operation: `save SCA project "${project.name}"`,
        privilege: MANAGE,
      },
      parseProject,
    );
  }

  async delete(name: string, options?: CallOptions): Promise<void> {
    required('SCA project', { name });
    return scaSend(this.transport, {
      method: 'DELETE',
      path: joinPath('api', 'sca', 'projects'),
      query: { name },
      idempotent: true,
      signal: options?.signal,
      operation: `delete SCA project "${name}"`,
      privilege: MANAGE,
      notFoundHint: `There is no SCA project "${name}", or this ProGet version cannot delete projects through the API.`,
    });
  }
}

/** JSON or XML from the first non-blank character of the file (after any byte order mark). */
async function sniffFormat(filePath: string): Promise<'json' | 'xml' | undefined> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (head.startsWith('{')) return 'json';
    if (head.startsWith('<')) return 'xml';
    return undefined;
  } finally {
    await handle.close();
  }
}

export class ScaBuildsArea implements ScaBuildsApi {
  constructor(private readonly transport: Transport) {}

  async importSbom(filePath: string, options?: SbomImportOptions): Promise<SbomImportResult> {
    const size = await regularFileSize(filePath);
    if (typeof size === 'string') throw new ValidationError('SBOM file', [size]);
    if (size === 0) throw new ValidationError('SBOM file', [`${filePath} is empty`]);
    const format = options?.format ?? (await sniffFormat(filePath));
    if (!format) {
      throw new ValidationError('SBOM file', [
        `${filePath} is neither JSON nor XML, so it cannot be a CycloneDX SBOM`,
      ]);
    }
    await scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'import'),
      body: {
        type: 'stream',
        length: size,
        // The docs name exactly these two types.
        contentType: format === 'json' ? 'application/json' : 'text/xml',
        open: () => createReadStream(filePath, { highWaterMark: 256 * 1024 }),
      },
      idempotent: false,
      transfer: true,
      signal: options?.signal,
      operation: `import the SBOM ${basename(filePath)}`,
      privilege: 'Upload SBOM documents (sbom-upload) — Projects_UploadSbom for a personal key',
      notFoundHint: 'SBOM import needs ProGet 2022 or later.',
    });
    return { size, format };
  }

  async exportSbom(
    project: string,
    version: string,
    destPath: string,
    options?: CallOptions & { format?: 'json' | 'xml' },
  ): Promise<{ size: number }> {
    required('SBOM export', { project, version, destPath });
    const format = options?.format ?? 'json';
    const temp = join(dirname(destPath), `.${basename(destPath)}.${randomBytes(6).toString('hex')}.part`);
    try {
      await scaRequest(
        this.transport,
        {
          method: 'GET',
          path: joinPath('api', 'sca', 'export'),
          query: { project, version, format },
          accept: format === 'json' ? 'application/json' : 'application/xml, text/xml',
          transfer: true,
          signal: options?.signal,
          operation: `export the SBOM of ${describeBuild(project, version)}`,
          privilege: MANAGE,
          notFoundHint: NO_BUILD(project, version),
        },
        async (r) => {
          r.touch();
          const body = r.body;
          body.on('data', () => r.touch());
          await pipeline(body, createWriteStream(temp));
        },
      );
      const { size } = await stat(temp);
      await rename(temp, destPath);
      return { size };
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async audit(project: string, version: string, options?: CallOptions): Promise<BuildAnalysis> {
    required('Build audit', { project, version });
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'audit-build'),
        // pgutil's `build=` (since 2024-07); the docs said `version=` until 2025-11.
        query: { project, build: version },
        signal: options?.signal,
        operation: `audit ${describeBuild(project, version)}`,
        privilege: MANAGE,
        notFoundHint: NO_BUILD(project, version),
      },
      parseBuildAnalysis,
    );
  }

  async analyze(project: string, version: string, options?: CallOptions): Promise<void> {
    required('Build analysis', { project, version });
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'analyze-build'),
      query: { project, version },
      signal: options?.signal,
      operation: `analyse ${describeBuild(project, version)}`,
      privilege: MANAGE,
      notFoundHint: NO_BUILD(project, version),
    });
  }

  async promote(
    project: string,
    version: string,
    stage: string,
    options?: CallOptions,
  ): Promise<BuildAnalysis | undefined> {
    required('Build promotion', { project, version, stage });
    return scaRequest(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'promote-build'),
        // pgutil's `build=` ("wrong parameter" fix, 2024-09); the docs still print `version=`.
        query: { project, build: version, stage },
        signal: options?.signal,
        operation: `promote ${describeBuild(project, version)} to stage "${stage}"`,
        privilege: MANAGE,
        notFoundHint: NO_BUILD(project, version),
      },
      async (r) => {
        const json = await r.readJson({ allowEmpty: true });
        return json === undefined ? undefined : parseBuildAnalysis(json);
      },
    );
  }

  /** GET on `/api/sca/builds`, then the docs' `/api/sca/releases` when the first answers 404. */
  private async getEither<T>(
    query: QueryParams,
    operation: string,
    parse: (json: unknown) => T,
    options?: CallOptions,
  ): Promise<T | undefined> {
    for (const path of ['builds', 'releases']) {
      const result = await scaRequest(
        this.transport,
        {
          method: 'GET',
          path: joinPath('api', 'sca', path),
          query,
          passStatuses: [404],
          signal: options?.signal,
          operation,
          privilege: VIEW,
        },
        async (r) => {
          if (r.status === 404) {
            await r.readText();
            return { missing: true as const };
          }
          return { missing: false as const, value: parse(await r.readJson()) };
        },
      );
      if (!result.missing) return result.value;
    }
    return undefined;
  }

  async get(project: string, version: string, options?: CallOptions): Promise<ScaBuild | undefined> {
    required('SCA build', { project, version });
    return this.getEither(
      { project, version },
      `get ${describeBuild(project, version)}`,
      (json) => parseBuild(json, project),
      options,
    );
  }

  async list(project: string, options?: CallOptions): Promise<ScaBuild[]> {
    required('SCA builds', { project });
    const list = await this.getEither(
      { project },
      `list the builds of SCA project "${project}"`,
      (json) => arrayOf(json, 'the build list').map((b) => parseBuild(b, project)),
      options,
    );
    if (list === undefined) {
      throw new ProGetError({
        kind: 'not-found',
        status: 404,
        message: `Could not list the builds of SCA project "${project}": no such project`,
        hint: `Check the project name; an SBOM import creates the project.`,
      });
    }
    return list;
  }

  async save(build: ScaBuildOptions, options?: CallOptions): Promise<ScaBuild> {
    required('SCA build', { project: build.project, version: build.version });
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'builds'),
        body: {
          type: 'json',
          value: {
            project: build.project,
            version: build.version,
            url: build.url,
            active: build.active,
            stage: build.stage,
          },
        },
        idempotent: true,
        signal: options?.signal,
        operation: `save ${describeBuild(build.project, build.version)}`,
        privilege: MANAGE,
      },
      (json) => parseBuild(json, build.project),
    );
  }

  async delete(project: string, version: string, options?: CallOptions): Promise<void> {
    required('SCA build', { project, version });
    return scaSend(this.transport, {
      method: 'DELETE',
      path: joinPath('api', 'sca', 'builds'),
      query: { project, version },
      idempotent: true,
      signal: options?.signal,
      operation: `delete ${describeBuild(project, version)}`,
      privilege: MANAGE,
      notFoundHint: NO_BUILD(project, version),
    });
  }

  async issues(project: string, version: string, options?: CallOptions): Promise<ScaIssue[]> {
    required('SCA issues', { project, version });
    return scaJson(
      this.transport,
      {
        method: 'GET',
        path: joinPath('api', 'sca', 'issues'),
        query: { project, version },
        signal: options?.signal,
        operation: `list the issues of ${describeBuild(project, version)}`,
        privilege: VIEW,
        notFoundHint: NO_BUILD(project, version),
      },
      (json) => (json === null ? [] : arrayOf(json, 'the issue list').map(parseIssue)),
    );
  }

  async resolveIssue(project: string, version: string, issue: number, options?: CallOptions): Promise<void> {
    required('SCA issue', { project, version });
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'issues'),
      query: { project, version, number: issue, resolve: 'true' },
      idempotent: true,
      signal: options?.signal,
      operation: `resolve issue #${issue} of ${describeBuild(project, version)}`,
      privilege: 'Manage SCA (Projects & Builds) — Projects_ResolveIssue for a personal key',
      notFoundHint: NO_BUILD(project, version),
    });
  }

  async deleteIssue(project: string, version: string, issue: number, options?: CallOptions): Promise<void> {
    required('SCA issue', { project, version });
    return scaSend(this.transport, {
      method: 'DELETE',
      path: joinPath('api', 'sca', 'issues'),
      query: { project, version, number: issue },
      idempotent: true,
      signal: options?.signal,
      operation: `delete issue #${issue} of ${describeBuild(project, version)}`,
      privilege: MANAGE,
      notFoundHint: NO_BUILD(project, version),
    });
  }

  async comments(project: string, version: string, options?: CallOptions): Promise<ScaComment[]> {
    required('SCA comments', { project, version });
    return scaJson(
      this.transport,
      {
        method: 'GET',
        path: joinPath('api', 'sca', 'comments'),
        query: { project, version },
        signal: options?.signal,
        operation: `list the comments of ${describeBuild(project, version)}`,
        privilege: VIEW,
        notFoundHint: NO_BUILD(project, version),
      },
      (json) => (json === null ? [] : arrayOf(json, 'the comment list').map(parseComment)),
    );
  }

  async addComment(comment: ScaCommentInput, options?: CallOptions): Promise<void> {
    required('SCA comment', { project: comment.project, version: comment.version, comment: comment.comment });
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'comments'),
      // pgutil's BuildCommentCreateInfo: the build named in the body.
      body: {
        type: 'json',
        value: {
          project: comment.project,
          version: comment.version,
          number: comment.number,
          by: comment.by,
          comment: comment.comment,
        },
      },
      signal: options?.signal,
      operation: `comment on ${describeBuild(comment.project, comment.version)}`,
      privilege: MANAGE,
      notFoundHint: NO_BUILD(comment.project, comment.version),
    });
  }

  async deleteComment(
    project: string,
    version: string,
    comment: number,
    options?: CallOptions,
  ): Promise<void> {
    required('SCA comment', { project, version });
    return scaSend(this.transport, {
      method: 'DELETE',
      path: joinPath('api', 'sca', 'comments'),
      query: { project, version, number: comment },
      idempotent: true,
      signal: options?.signal,
      operation: `delete comment #${comment} of ${describeBuild(project, version)}`,
      privilege: MANAGE,
      notFoundHint: NO_BUILD(project, version),
    });
  }
}

export class ScaVulnerabilitiesArea implements ScaVulnerabilitiesApi {
  constructor(private readonly transport: Transport) {}

  async audit(packages: readonly ScaPackageRef[], options?: CallOptions): Promise<Vulnerability[]> {
    const problems: string[] = [];
    packages.forEach((p, i) => {
      for (const field of ['type', 'name', 'version'] as const) {
        if (!p[field]?.trim()) problems.push(`package ${i + 1}: ${field} is required`);
      }
    });
    if (problems.length) throw new ValidationError('Vulnerability audit', problems);
    if (packages.length === 0) return [];
    const body = packages.map((p) => ({
      type: p.type,
      name: p.name,
      version: p.version,
      group: p.group || undefined,
    }));
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'sca', 'audit-package-vulns'),
        body: { type: 'json', value: body },
        signal: options?.signal,
        operation: `audit ${packages.length} package${packages.length === 1 ? '' : 's'} for vulnerabilities`,
        privilege: MANAGE,
        notFoundHint: 'The vulnerability audit API needs ProGet 2023 or later.',
      },
      (json) => parseVulnerabilities(json, packages),
    );
  }

  async assess(request: AssessRequest, options?: CallOptions): Promise<void> {
    required('Vulnerability assessment', { id: request.id, type: request.type });
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'sca', 'assess'),
      query: {
        id: request.id,
        type: request.type,
        // pgutil leaves out a blank comment and an empty policy.
        comment: request.comment?.trim() ? request.comment : undefined,
        policy: request.policy || undefined,
      },
      signal: options?.signal,
      operation: `assess vulnerability ${request.id} as "${request.type}"`,
      privilege: MANAGE,
    });
  }
}

function selectorQuery(pkg: PackageSelector): QueryParams {
  if ('purl' in pkg) return { purl: pkg.purl };
  return {
    name: pkg.name,
    version: pkg.version,
    group: pkg.group || undefined,
    qualifier: pkg.qualifier || undefined,
  };
}

function describeSelector(pkg: PackageSelector): string {
  if ('purl' in pkg) return pkg.purl;
  return `${pkg.group ? `${pkg.group}/` : ''}${pkg.name} ${pkg.version}`;
}

function checkSelector(subject: string, pkg: PackageSelector, feed: string): void {
  if ('purl' in pkg) {
    required(subject, { feed, purl: pkg.purl });
    if (!pkg.purl.startsWith('pkg:'))
      throw new ValidationError(subject, [`"${pkg.purl}" is not a purl (pkg:type/name@version)`]);
  } else required(subject, { feed, name: pkg.name, version: pkg.version });
}

const FEED_VIEW = (feed: string) => `Feeds_ViewFeed (View/Download) on feed "${feed}"`;

export class ScaPackagesArea implements ScaPackagesApi {
  constructor(private readonly transport: Transport) {}

  async metadata(
    feed: string,
    pkg: PackageSelector,
    options?: CallOptions,
  ): Promise<PackageCompliance | undefined> {
    checkSelector('Package metadata', pkg, feed);
    return scaRequest(
      this.transport,
      {
        method: 'GET',
        path: joinPath('api', 'packages', feed, 'metadata'),
        query: selectorQuery(pkg),
        passStatuses: [404],
        // Metadata answers on ProGet Free too (without compliance): a refusal there is not the edition.
        paidFeature: undefined,
        signal: options?.signal,
        operation: `read the metadata of ${describeSelector(pkg)} in feed "${feed}"`,
        privilege: FEED_VIEW(feed),
      },
      async (r) => {
        if (r.status === 404) {
          await r.readText();
          return undefined;
        }
        return parsePackageMetadata(await r.readJson());
      },
    );
  }

  async audit(feed: string, pkg: PackageSelector, options?: CallOptions): Promise<PackageAudit> {
    checkSelector('Package audit', pkg, feed);
    return scaJson(
      this.transport,
      {
        method: 'POST',
        path: joinPath('api', 'packages', feed, 'audit'),
        query: selectorQuery(pkg),
        signal: options?.signal,
        operation: `audit ${describeSelector(pkg)} in feed "${feed}"`,
        privilege: FEED_VIEW(feed),
        notFoundHint: `Package audits need ProGet 2023 or later; check that feed "${feed}" holds ${describeSelector(pkg)}.`,
      },
      parsePackageAudit,
    );
  }

  async setStatus(
    feed: string,
    pkg: PackageSelector,
    change: PackageStatusChange,
    options?: CallOptions,
  ): Promise<void> {
    checkSelector('Package status', pkg, feed);
    const value: Record<string, unknown> = {};
    for (const k of ['listed', 'allow', 'deprecated', 'deprecationReason'] as const) {
      // `allow: null` is sent: it is how the download override is reset.
      if (change[k] !== undefined) value[k] = change[k];
    }
    if (Object.keys(value).length === 0) throw new ValidationError('Package status', ['nothing to change']);
    return scaSend(this.transport, {
      method: 'POST',
      path: joinPath('api', 'packages', feed, 'status'),
      query: selectorQuery(pkg),
      body: { type: 'json', value },
      idempotent: true,
      paidFeature: undefined,
      signal: options?.signal,
      operation: `set the status of ${describeSelector(pkg)} in feed "${feed}"`,
      privilege: `Feeds_UnlistPackage or feed management on feed "${feed}"`,
      notFoundHint: `Setting package status needs ProGet 2023.18 or later; check that feed "${feed}" holds ${describeSelector(pkg)}.`,
    });
  }
}

export class ScaLicensesArea implements ScaLicensesApi {
  constructor(private readonly transport: Transport) {}

  async list(options?: CallOptions): Promise<License[]> {
    for (const path of [
      joinPath('api', 'licenses', 'list'),
      joinPath('api', 'management', 'licenses', 'list'),
    ]) {
      const list = await scaRequest(
        this.transport,
        {
          method: 'GET',
          path,
          passStatuses: [404],
          signal: options?.signal,
          operation: 'list licenses',
          privilege: 'Full Control — Licenses_Manage for a personal key',
          paidFeature: undefined,
        },
        async (r) => {
          if (r.status === 404) {
            await r.readText();
            return undefined;
          }
          return arrayOf(await r.readJson(), 'the license list').map(parseLicense);
        },
      );
      if (list) return list;
    }
    throw new ProGetError({
      kind: 'not-supported',
      status: 404,
      message: 'Could not list licenses: this ProGet server has no licenses API',
    });
  }
}

export class ScaArea implements ScaApi {
  readonly projects: ScaProjectsArea;
  readonly builds: ScaBuildsArea;
  readonly vulnerabilities: ScaVulnerabilitiesArea;
  readonly packages: ScaPackagesArea;
  readonly licenses: ScaLicensesArea;

  constructor(transport: Transport) {
    this.projects = new ScaProjectsArea(transport);
    this.builds = new ScaBuildsArea(transport);
    this.vulnerabilities = new ScaVulnerabilitiesArea(transport);
    this.packages = new ScaPackagesArea(transport);
    this.licenses = new ScaLicensesArea(transport);
  }
}
