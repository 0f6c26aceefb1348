// Turns a version's flat file list into nested folder and file nodes, folders first, each level sorted.

import type { FileEntry } from '@proget-ci/core';
import type { FileNode, FolderNode, VersionNode } from './model.js';

/** The manifest is always at the root of a universal package, beside the `package/` folder. */
export const MANIFEST_PATH = 'upack.json';

/** Paths in a file list are inside `package/`; some servers include that prefix, some do not. */
export function packagePath(entryName: string): string {
  const clean = entryName.replace(/\\/g, '/').replace(/^\/+/, '');
  return clean.startsWith('package/') ? clean : `package/${clean}`;
}

export function buildFileTree(version: VersionNode, entries: FileEntry[]): (FolderNode | FileNode)[] {
  const manifest: FileNode = { type: 'file', parent: version, path: MANIFEST_PATH, name: MANIFEST_PATH };
  const root: FolderNode = {
    type: 'folder',
    parent: version,
    path: 'package',
    name: 'package',
    children: [],
  };
  const folders = new Map<string, FolderNode>([['package', root]]);

  const folderFor = (path: string): FolderNode => {
    const existing = folders.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = folderFor(path.slice(0, cut));
    const folder: FolderNode = { type: 'folder', parent, path, name: path.slice(cut + 1), children: [] };
    parent.children.push(folder);
    folders.set(path, folder);
    return folder;
  };

  for (const entry of entries) {
    const path = packagePath(entry.name);
    // Directory entries (trailing slash) only create the folder.
    if (path.endsWith('/')) {
      folderFor(path.replace(/\/+$/, ''));
      continue;
    }
    const cut = path.lastIndexOf('/');
    const parent = folderFor(path.slice(0, cut));
    parent.children.push({ type: 'file', parent, path, name: path.slice(cut + 1), entry });
  }

  for (const folder of folders.values()) folder.children.sort(compareEntries);
  return root.children.length > 0 ? [manifest, root] : [manifest];
}

function compareEntries(a: FolderNode | FileNode, b: FolderNode | FileNode): number {
  if (a.type !== b.type) return a.type === 'folder' ? -1 : 1;
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });
}
