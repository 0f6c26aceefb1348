// Package URLs, just enough to match packages: pkg:type/namespace/name@version?qualifiers#subpath.

export interface Purl {
  type: string;
  namespace: string;
  name: string;
  version: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parsePurl(text: string): Purl | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+)/.exec(text.trim());
  if (!m) return undefined;
  const path = m[2]!;
  const at = path.lastIndexOf('@');
  if (at <= 0) return undefined;
  const version = decode(path.slice(at + 1));
  const segments = path.slice(0, at).split('/').filter(Boolean).map(decode);
  const name = segments.pop();
  if (!name || !version) return undefined;
  return { type: m[1]!.toLowerCase(), namespace: segments.join('/'), name, version };
}

/** purlKey's answers: a 5,000-package build is analysed against every vulnerability, over and over. */
const keys = new Map<string, string>();
const KEYS_KEPT = 100_000;

/** Case-insensitive identity of a purl without qualifiers or subpath. */
export function purlKey(text: string): string {
  let key = keys.get(text);
  if (key === undefined) {
    const p = parsePurl(text);
    key = p ? keyOf(p.type, p.namespace, p.name, p.version) : text.trim().toLowerCase();
    if (keys.size >= KEYS_KEPT) keys.clear();
    keys.set(text, key);
  }
  return key;
}

export function keyOf(type: string, namespace: string, name: string, version: string): string {
  return `pkg:${type}/${namespace ? `${namespace}/` : ''}${name}@${version}`.toLowerCase();
}
