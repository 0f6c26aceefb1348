// client.sca.builds: SBOM import and export, audit, analyze, promote, issues and comments (sca-api-notes §3).

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
import { arrayOf } from '../wire.js';
import type { SbomImportOptions, ScaBuildsApi } from './api.js';
import { scaJson, scaRequest, scaSend } from './calls.js';
import { describeBuild, MANAGE, NO_BUILD, required, VIEW } from './shared.js';
import type {
  BuildAnalysis,
  SbomImportResult,
  ScaBuild,
  ScaBuildOptions,
  ScaComment,
  ScaCommentInput,
  ScaIssue,
} from './types.js';
import { parseBuild, parseBuildAnalysis, parseComment, parseIssue } from './wire.js';

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
