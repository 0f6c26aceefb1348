// What the SCA areas share: privilege wording and the checks of required fields.

import { ValidationError } from '../../errors.js';

export const MANAGE = 'Manage SCA (Projects & Builds) — Projects_Manage for a personal key';
export const VIEW = 'Manage SCA (Projects & Builds) — Projects_View for a personal key';

export function required(subject: string, fields: Record<string, string | undefined>): void {
  const problems = Object.entries(fields)
    .filter(([, v]) => v === undefined || v.trim() === '')
    .map(([k]) => `${k} is required`);
  if (problems.length) throw new ValidationError(subject, problems);
}

export function describeBuild(project: string, version: string): string {
  return `build ${version} of SCA project "${project}"`;
}

export const NO_BUILD = (project: string, version: string) =>
  `Check that the SCA project "${project}" and its build ${version} exist (an SBOM import creates both).`;
