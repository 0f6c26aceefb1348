// Lines of JSON object keys (JSON.parse keeps no positions). A single pass over text that JSON.parse has
// already accepted, so it only needs to follow strings, nesting and newlines, not to validate.
// (jsonc-parser would do this too, but bundlers pick its UMD build, whose internal require() breaks in ESM.)

type PathPart = string | number;

/**
 * 1-based lines of the keys of objects at the paths `wanted` accepts, keyed by `path + key` joined with NUL.
 * `wanted` sees the path of the object that holds the key (array positions as numbers).
 */
export function keyLines(text: string, wanted: (path: readonly PathPart[]) => boolean): Map<string, number> {
  const lines = new Map<string, number>();
  // Per open container: whether it is an array and its current index; `path[i]` names container i+1 in container i.
  const path: PathPart[] = [];
  const isArray: boolean[] = [];
  const index: number[] = [];
  let pendingKey: PathPart | undefined;
  let line = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) line++;
    else if (ch === 0x22 /* " */) {
      const start = i + 1;
      let j = start;
      let escaped = false;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 0x5c /* \ */) {
          escaped = true;
          j += 2;
          continue;
        }
        if (c === 0x22) break;
        j++;
      }
      const raw = text.slice(start, j);
      const keyLine = line;
      i = j;
      // A key is a string in an object followed by ':'.
      let k = j + 1;
      while (
        k < n &&
        (text.charCodeAt(k) === 0x20 ||
          text.charCodeAt(k) === 0x09 ||
          text.charCodeAt(k) === 0x0d ||
          text.charCodeAt(k) === 0x0a)
      )
        k++;
      if (text.charCodeAt(k) === 0x3a /* : */ && isArray.length > 0 && !isArray[isArray.length - 1]) {
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        const holder = path.slice(0, isArray.length - 1);
        if (wanted(holder)) {
          const id = [...holder, key].join('\u0000');
          if (!lines.has(id)) lines.set(id, keyLine);
        }
        pendingKey = key;
      }
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      const depth = isArray.length;
      if (depth > 0) {
        if (isArray[depth - 1]) path[depth - 1] = index[depth - 1] as number;
        else path[depth - 1] = pendingKey as PathPart;
      }
      isArray.push(ch === 0x5b);
      index.push(0);
      path.length = depth;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      isArray.pop();
      index.pop();
      path.length = Math.max(0, isArray.length - 1);
    } else if (ch === 0x2c /* , */ && isArray[isArray.length - 1]) {
      index[index.length - 1] = (index[index.length - 1] as number) + 1;
    }
  }
  return lines;
}

export const pathKey = (...parts: PathPart[]): string => parts.join('\u0000');
