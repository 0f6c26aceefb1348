// Asset directories: /endpoints/{dir}/dir|content|delete/... (sca-api-notes §7), including the multipart
// upload protocol's two calls (a part, complete). The part loop with retries is `upload/multipart.ts`.

import type { Readable } from 'node:stream';
import type { AssetItem, AssetsApi, CallOptions, MultipartUploadOptions } from '../client-api.js';
import { ValidationError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { UploadResult } from '../types.js';
import { uploadMultipart } from '../upload/multipart.js';
import { arrayOf, optNum, str } from './wire.js';

const ASSET_PRIVILEGE = (dir: string) => `Feeds_AddPackage (Add/Repackage) on asset directory "${dir}"`;

/** `a\b/c` → segments `a`, `b`, `c` (pgutil treats both as separators); `.`/`..` refused. */
export function assetPathSegments(path: string): string[] {
  const segments = path.split(/[\\/]/).filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..'))
    throw new ValidationError('Asset path', [`"${path}" may not contain "." or ".." segments`]);
  return segments;
}

export function parseAssetItem(value: unknown): AssetItem {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const type = str(o.type) ?? '';
  return {
    name: str(o.name) ?? '',
    parent: str(o.parent),
    directory: type.toLowerCase() === 'dir',
    type,
    size: optNum(o.size),
    modified: str(o.modified),
    sha1: str(o.sha1),
  };
}

/** One part as the protocol describes it; `partSize` is THIS part's size (the last one sends the rest). */
export interface PartRequest {
  id: string;
  index: number;
  offset: number;
  totalSize: number;
  partSize: number;
  totalParts: number;
  open: () => Readable;
  onChunk?: (chunk: Buffer) => void;
}

export class AssetsArea implements AssetsApi {
  constructor(private readonly transport: Transport) {}

  /**
   * Items of a folder (the root when `path` is empty). `undefined` when the server answers 404: no such
   * asset directory, or a ProGet without the asset API (a missing folder is an empty list, not a 404).
   */
  async list(
    dir: string,
    path = '',
    options?: CallOptions & { recursive?: boolean },
  ): Promise<AssetItem[] | undefined> {
    return this.transport.request(
      {
        method: 'GET',
        path: `${joinPath('endpoints', dir, 'dir', ...assetPathSegments(path))}${path === '' ? '/' : ''}`,
        query: { recursive: options?.recursive ? 'true' : 'false' },
        signal: options?.signal,
        passStatuses: [404],
        operation: `list asset directory "${dir}"${path ? ` folder ${path}` : ''}`,
        privilege: `Feeds_DownloadPackage on asset directory "${dir}"`,
      },
      async (r) => {
        if (r.status === 404) {
          await r.readText();
          return undefined;
        }
        return arrayOf(await r.readJson({ allowEmpty: true }), 'the folder listing').map(parseAssetItem);
      },
    );
  }

  async uploadMultipart(
    dir: string,
    path: string,
    filePath: string,
    options?: MultipartUploadOptions,
  ): Promise<UploadResult & { id: string; parts: number; partRequests: number }> {
    return uploadMultipart(this, dir, path, filePath, options);
  }

  /** Sends one part. Not retried by the transport once its body started: `uploadMultipart` owns retries. */
  async sendPart(dir: string, path: string, part: PartRequest, signal?: AbortSignal): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: joinPath('endpoints', dir, 'content', ...assetPathSegments(path)),
      query: {
        id: part.id,
        multipart: 'upload',
        index: part.index,
        offset: part.offset,
        totalSize: part.totalSize,
        partSize: part.partSize,
        totalParts: part.totalParts,
      },
      body: {
        type: 'stream',
        open: part.open,
        onChunk: part.onChunk,
        length: part.partSize,
        contentType: 'application/octet-stream',
      },
      accept: '*/*',
      transfer: true,
      idempotent: false,
      reuseConnection: true,
      signal,
      operation: `upload part ${part.index + 1} of ${part.totalParts} of ${path} to asset directory "${dir}"`,
      privilege: ASSET_PRIVILEGE(dir),
    });
  }

  async complete(dir: string, path: string, id: string, signal?: AbortSignal): Promise<void> {
    await this.transport.send({
      method: 'POST',
      path: joinPath('endpoints', dir, 'content', ...assetPathSegments(path)),
      query: { id, multipart: 'complete' },
      body: { type: 'empty' },
      accept: '*/*',
      idempotent: false,
      reuseConnection: true,
      signal,
      operation: `complete the multipart upload of ${path} to asset directory "${dir}"`,
      privilege: ASSET_PRIVILEGE(dir),
    });
  }

  /** `POST /endpoints/{dir}/delete/{path}` (pgutil's DeleteItemAsync). */
  async delete(dir: string, path: string, options?: CallOptions & { recursive?: boolean }): Promise<void> {
    const segments = assetPathSegments(path);
    if (segments.length === 0) throw new ValidationError('Asset path', ['name the file or folder to delete']);
    await this.transport.send({
      method: 'POST',
      path: joinPath('endpoints', dir, 'delete', ...segments),
      query: { recursive: options?.recursive ? 'true' : 'false' },
      body: { type: 'empty' },
      accept: '*/*',
      signal: options?.signal,
      operation: `delete ${path} from asset directory "${dir}"`,
      privilege: `Feeds_DeletePackage (Overwrite/Delete) on asset directory "${dir}"`,
    });
  }
}
