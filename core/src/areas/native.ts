// The legacy Native API: /api/json/{Method}, with the key in the X-ApiKey header (never the query string).

import type { CallOptions, NativeApi } from '../client-api.js';
import { ValidationError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';

export class NativeArea implements NativeApi {
  constructor(private readonly transport: Transport) {}

  async call<T = unknown>(
    method: string,
    args?: Record<string, string | number | boolean>,
    options?: CallOptions,
  ): Promise<T> {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method)) {
      throw new ValidationError('Native API method', [`${JSON.stringify(method)} is not a method name`]);
    }
    for (const name of Object.keys(args ?? {})) {
      if (name.toLowerCase() === 'api_key') {
        throw new ValidationError('Native API arguments', [
          'pass the API key in the client options, not as API_Key',
        ]);
      }
    }
    // `*_Get*` methods only read, so they go as GET (and may be retried); anything else may change state
    // and goes once, as a JSON POST.
    const reads = /_Get/.test(method);
    const json = await this.transport.request(
      {
        method: reads ? 'GET' : 'POST',
        path: joinPath('api', 'json', method),
        query: reads ? args : undefined,
        body: reads ? undefined : { type: 'json', value: args ?? {} },
        signal: options?.signal,
        operation: `call Native API method ${method}`,
        notFoundHint: `The Native API method ${method} does not exist on this server (or the Native API is disabled).`,
      },
      (r) => r.readJson({ allowEmpty: true }),
    );
    return json as T;
  }
}
