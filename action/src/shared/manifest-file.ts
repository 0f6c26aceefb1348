// Reading a upack.json someone points an input at: publish's metadata, promote-check's packages.

import { readFile } from 'node:fs/promises';
import { ValidationError } from '@proget-ci/core';

export async function readManifestFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ValidationError('manifest', [
      code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? String(e)})`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ValidationError('manifest', [`${path} is not valid JSON: ${(e as Error).message}`]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('manifest', [`${path} must hold a JSON object`]);
  }
  return value as Record<string, unknown>;
}
