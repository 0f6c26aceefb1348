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

/**
 * Folders nest at most this deep below `package/`; deeper parts of a path stay in the file's (or the last
 * folder's) name, e.g. `a/b/…/z.txt`. A crafted file list can nest a path 100,000 levels deep: the tree is
 * built iteratively and bounded, so neither the stack nor a quadratic number of path characters grows
 * with it.
 */
export const MAX_FOLDER_DEPTH = 64;

export function buildFileTree(version: VersionNode, entries: FileEntry[]): (FolderNode | FileNode)[] {
  const manifest: FileNode = { type: 'file', parent: version, path: MANIFEST_PATH, name: MANIFEST_PATH };
  const root: FolderNode = {
    type: 'folder',
    parent: version,
    path: 'package',
    name: 'package',
    children: [],
  };
  const folders: FolderNode[] = [root];
  const subfolders = new Map<FolderNode, Map<string, FolderNode>>();

  /** The folder for `segments` (below `package/`), created as needed; deeper ones fold into one name. */
  const folderFor = (segments: string[]): FolderNode => {
    let folder = root;
    for (let depth = 0; depth < segments.length; depth++) {
      const last = depth === MAX_FOLDER_DEPTH - 1;
      const name = last ? segments.slice(depth).join('/') : segments[depth]!;
      let children = subfolders.get(folder);
      if (!children) {
        children = new Map();
        subfolders.set(folder, children);
      }
      let next = children.get(name);
      if (!next) {
        next = { type: 'folder', parent: folder, path: `${folder.path}/${name}`, name, children: [] };
        folder.children.push(next);
        children.set(name, next);
        folders.push(next);
      }
      folder = next;
      if (last) break;
    }
    return folder;
  };

  for (const entry of entries) {
    const path = packagePath(entry.name);
    const segments = path.split('/').slice(1);
    // Directory entries (trailing slash) only create the folder.
    if (path.endsWith('/')) {
      folderFor(segments.filter((s) => s !== ''));
      continue;
    }
    const fileName = segments.pop()!;
    const parentSegments = segments.slice(0, MAX_FOLDER_DEPTH - 1);
    const parent = folderFor(parentSegments);
    const deeper = segments.slice(MAX_FOLDER_DEPTH - 1);
    const name = deeper.length > 0 ? [...deeper, fileName].join('/') : fileName;
    parent.children.push({ type: 'file', parent, path, name, entry });
  }

  for (const folder of folders) folder.children.sort(compareEntries);
  return root.children.length > 0 ? [manifest, root] : [manifest];
}

function compareEntries(a: FolderNode | FileNode, b: FolderNode | FileNode): number {
  if (a.type !== b.type) return a.type === 'folder' ? -1 : 1;
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });
}
