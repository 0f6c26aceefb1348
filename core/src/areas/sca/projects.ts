// client.sca.projects: list, get, save, delete (sca-api-notes §3).

import type { CallOptions } from '../../client-api.js';
import type { Transport } from '../../transport/transport.js';
import { joinPath } from '../../transport/urls.js';
import { arrayOf, isObject } from '../wire.js';
import type { ScaProjectsApi } from './api.js';
import { scaJson, scaRequest, scaSend } from './calls.js';
import { MANAGE, required, VIEW } from './shared.js';
import type { ScaProject } from './types.js';
import { parseProject } from './wire.js';

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
