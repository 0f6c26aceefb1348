// Sizes and dates of package files, learnt from version file lists: the file system provider's `stat`
// answers from here, because ProGet has no cheap per-file HEAD.

export interface FileFact {
  size: number;
  date?: string;
}

export interface FileFactRef {
  server: string;
  feed: string;
  group: string;
  name: string;
  version: string;
  /** Inside the package: `upack.json` or `package/...`. */
  path: string;
}

export function fileFactKey(ref: FileFactRef): string {
  return [ref.server, ref.feed, ref.group, ref.name, ref.version, ref.path].map(encodeURIComponent).join('|');
}

export class FileFacts {
  private readonly facts = new Map<string, FileFact>();

  set(ref: FileFactRef, fact: FileFact): void {
    this.facts.set(fileFactKey(ref), fact);
  }

  get(ref: FileFactRef): FileFact | undefined {
    return this.facts.get(fileFactKey(ref));
  }

  /** Forgets the facts of a server no longer configured. */
  forgetServer(server: string): void {
    const prefix = `${encodeURIComponent(server)}|`;
    for (const key of [...this.facts.keys()]) if (key.startsWith(prefix)) this.facts.delete(key);
  }
}
