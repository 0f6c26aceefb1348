// A read-only FileSystemProvider for `proget:` URIs: files of package versions, streamed through core's
// `universal.openFile` and held only while VS Code reads them. Writes are refused.

import { isProGetError, type ProGetClientApi } from '@proget-ci/core';
import * as vscode from 'vscode';
import { reasonAndFix } from '../refusals.js';
import { type PackageFileRef, parseFileUri } from './uri.js';

/** Viewers are for reading, not for pulling whole packages into memory. */
export const MAX_VIEW_BYTES = 50 * 1024 * 1024;

export interface FileSource {
  clientFor(serverUrl: string): Promise<ProGetClientApi | undefined>;
  /** Size and date when the tree already knows them (from the file list). */
  known(ref: PackageFileRef): { size: number; date?: string } | undefined;
  /**
   * A read failed: `message` says what, why and the fix. The extension logs it, tells the user (VS Code's
   * own "editor could not be opened" does not carry the cause) and has the health check look again.
   */
  failed?(ref: PackageFileRef, message: string, error: unknown): void;
}

export class ProGetFileSystemProvider implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly source: FileSource) {}

  watch(): vscode.Disposable {
    // Package versions are immutable once published: nothing to watch.
    return new vscode.Disposable(() => {});
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const ref = this.ref(uri);
    const known = this.source.known(ref);
    const mtime = known?.date ? Date.parse(known.date) || 0 : 0;
    return {
      type: vscode.FileType.File,
      ctime: mtime,
      mtime,
      size: known?.size ?? 0,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = this.ref(uri);
    const client = await this.source.clientFor(ref.server);
    if (!client) throw vscode.FileSystemError.Unavailable(`No ProGet server ${ref.server} is configured`);
    const controller = new AbortController();
    try {
      const stream = await client.universal.openFile(
        ref.feed,
        { group: ref.group || undefined, name: ref.name, version: ref.version },
        ref.path,
        { signal: controller.signal },
      );
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        total += buf.length;
        if (total > MAX_VIEW_BYTES) {
          controller.abort();
          throw vscode.FileSystemError.Unavailable(
            `${ref.path} is larger than ${MAX_VIEW_BYTES / 1024 / 1024} MB; download the package instead`,
          );
        }
        chunks.push(buf);
      }
      return Buffer.concat(chunks);
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      const { why, fix } = reasonAndFix(error, `Feeds_DownloadPackage on feed "${ref.feed}"`);
      const pkg = ref.group ? `${ref.group}/${ref.name}` : ref.name;
      const message = `Could not open ${ref.path} of ${pkg} ${ref.version} (feed ${ref.feed}): ${why} ${fix}`;
      this.source.failed?.(ref, message, error);
      if (isProGetError(error, 'not-found')) throw vscode.FileSystemError.FileNotFound(message);
      if (isProGetError(error, 'forbidden') || isProGetError(error, 'unauthorized'))
        throw vscode.FileSystemError.NoPermissions(message);
      throw vscode.FileSystemError.Unavailable(message);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('ProGet package files are read-only');
  }

  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions('ProGet package files are read-only');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('ProGet package files are read-only');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('ProGet package files are read-only');
  }

  private ref(uri: vscode.Uri): PackageFileRef {
    const ref = parseFileUri(uri);
    if (!ref) throw vscode.FileSystemError.FileNotFound(uri);
    return ref;
  }
}
