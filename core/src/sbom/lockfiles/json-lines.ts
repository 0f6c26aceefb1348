// Lines of JSON object keys, found with jsonc-parser's visitor (JSON.parse keeps no positions).

import { visit } from 'jsonc-parser';

/**
 * 1-based lines of the keys of objects at the paths `wanted` accepts, keyed by `path + key` joined with NUL.
 * `wanted` sees the path of the object that holds the key.
 */
export function keyLines(
  text: string,
  wanted: (path: readonly (string | number)[]) => boolean,
): Map<string, number> {
  const lines = new Map<string, number>();
  visit(text, {
    onObjectProperty(property, _offset, _length, startLine, _startCharacter, pathSupplier) {
      const path = pathSupplier();
      if (!wanted(path)) return;
      const key = [...path, property].join('\u0000');
      if (!lines.has(key)) lines.set(key, startLine + 1);
    },
  });
  return lines;
}

export const pathKey = (...parts: (string | number)[]): string => parts.join('\u0000');
