// client.sca.licenses (sca-api-notes §6).

import type { CallOptions } from '../../client-api.js';
import { ProGetError } from '../../errors.js';
import type { Transport } from '../../transport/transport.js';
import { joinPath } from '../../transport/urls.js';
import { arrayOf } from '../wire.js';
import type { ScaLicensesApi } from './api.js';
import { scaRequest } from './calls.js';
import type { License } from './types.js';
import { parseLicense } from './wire.js';

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
