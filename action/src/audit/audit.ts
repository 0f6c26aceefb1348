// The audit itself: an SBOM (read from files or generated from lockfiles) → one CycloneDX document named
// after the project and build → ProGet imports it, analyses the build, lists its packages and issues.

import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BuildAnalysis,
  ProGetClientApi,
  ScaBuildPackage,
  ScaIssue,
  ScaStatus,
  Severity,
} from '@proget-ci/core';
import {
  composeSbom,
  type GeneratedSbom,
  generateSbom,
  type LockfileOrigin,
  originOf,
  readSbom,
  type SbomComponent,
  SbomError,
  type SbomWarning,
  writeSbom,
} from '@proget-ci/core/sbom';
import { StepError } from '../shared/errors.js';
import type { StepLogger } from '../shared/io.js';
import type { AuditInputs } from './inputs.js';
import { expandSbomInputs } from './sbom-files.js';

export interface AuditVulnerability {
  id: string;
  severity?: Severity;
  score?: number;
  title?: string;
  assessment?: string;
}

export interface AuditRow {
  purl: string;
  name: string;
  version: string;
  licenses: string[];
  verdict: ScaStatus;
  /** ProGet's reason, e.g. "because of Vulnerability (PGV-2245804)". */
  detail?: string;
  vulnerabilities: AuditVulnerability[];
  /** The package's page in ProGet. */
  url: string;
  /** The lockfile line that brings it in (generated SBOMs only). */
  origin?: LockfileOrigin;
  issue?: { number: number; resolved: boolean };
}

export interface AuditResult {
  project: string;
  version: string;
  status: ScaStatus;
  analysis: BuildAnalysis;
  buildUrl?: string;
  issueCount: number;
  unresolvedCount: number;
  /**
   * Noncompliant, but a person resolved every issue ProGet opened: pgutil's rule lets such a build pass. A
   * build with no issues at all (a stage that opens none) is not "resolved": its packages still count.
   */
  resolved: boolean;
  /** Problems first (noncompliant, inconclusive, warn, compliant), then by name. */
  rows: AuditRow[];
  /** Where the SBOM came from, as people named it: SBOM files, or the lockfiles it was generated from. */
  sources: string[];
  generated: boolean;
  componentCount: number;
}

/** The SBOM to send, and what it was made of. */
export interface PreparedSbom {
  sbom: GeneratedSbom;
  components: SbomComponent[];
  generated?: GeneratedSbom;
  sources: string[];
  warnings: SbomWarning[];
}

/** Reads or generates the SBOM. Bad files and lockfiles become a StepError naming the file. */
export async function prepareSbom(
  inputs: AuditInputs,
  workspace: string,
  logger: StepLogger,
): Promise<PreparedSbom> {
  const component = { name: inputs.project, version: inputs.version };
  try {
    if (inputs.generate) {
      const generated = await generateSbom({
        workspace,
        ...(inputs.lockfiles.length > 0 ? { lockfiles: inputs.lockfiles } : {}),
        component,
      });
      if (generated.components.length === 0) {
        throw new StepError(
          `The lockfiles (${generated.lockfiles.map((l) => l.file).join(', ')}) lock no registry packages: there is nothing to audit.`,
        );
      }
      logger.info(
        `Generated an SBOM of ${generated.components.length} package(s) from ${generated.lockfiles.map((l) => `${l.file} (${l.packageCount})`).join(', ')}`,
      );
      return {
        sbom: generated,
        components: generated.components,
        generated,
        sources: generated.lockfiles.map((l) => l.file),
        warnings: generated.warnings,
      };
    }
    const files = await expandSbomInputs(workspace, inputs.sbom);
    const read = await readSbom(files.map((f) => f.absolute)).catch((e: unknown) => {
      throw renamed(e, files);
    });
    const shown = (path: string) => files.find((f) => f.absolute === path)?.display ?? path;
    logger.info(
      `Read ${read.components.length} component(s) from ${read.files.map((f) => `${shown(f.file)} (CycloneDX ${f.specVersion} ${f.format.toUpperCase()}, ${f.componentCount})`).join(', ')}`,
    );
    return {
      sbom: composeSbom(read.components, { component }),
      components: read.components,
      sources: files.map((f) => f.display),
      warnings: read.warnings.map((w) => ({ file: shown(w.file), message: w.message })),
    };
  } catch (e) {
    if (e instanceof SbomError) throw new StepError(`SBOM not audited: ${e.message}`);
    throw e;
  }
}

/** An SbomError naming the file by its workspace path rather than the absolute one the reader was given. */
function renamed(e: unknown, files: { display: string; absolute: string }[]): unknown {
  if (!(e instanceof SbomError) || e.file === undefined) return e;
  const file = files.find((f) => f.absolute === e.file);
  if (!file) return e;
  return new SbomError(e.kind, file.display, e.message.slice(e.file.length + 2));
}

export async function runAudit(
  client: ProGetClientApi,
  inputs: AuditInputs,
  prepared: PreparedSbom,
  tempDir: string,
  logger: StepLogger,
): Promise<AuditResult> {
  const { project, version } = inputs;
  // Named after the build, since errors name the file sent; in a folder of its own, so runs never collide.
  const folder = join(tempDir, `proget-ci-audit-${process.pid}-${randomUUID().slice(0, 8)}`);
  const file = join(folder, `${`${project}-${version}`.replace(/[^\w.-]+/g, '_')}.cdx.json`);
  try {
    await mkdir(folder, { recursive: true });
    await writeSbom(prepared.sbom, file, { space: 0 });
    const sent = await client.sca.builds.importSbom(file);
    logger.info(`Imported the SBOM (${sent.size} bytes) into ProGet as project ${project}, build ${version}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  try {
    if (inputs.stage !== undefined) {
      await client.sca.builds.promote(project, version, inputs.stage);
      logger.info(`Promoted build ${version} of ${project} to stage ${inputs.stage}`);
    }
    const analysis = await client.sca.builds.audit(project, version);
    const build = await client.sca.builds.get(project, version);
    if (build === undefined) {
      throw new StepError(
        `ProGet accepted the SBOM but has no build ${version} in project ${project}: is the server's import working?`,
      );
    }
    const issues = await client.sca.builds.issues(project, version);
    const byPurl = new Map(prepared.components.map((c) => [c.purl.toLowerCase(), c]));
    const issueByPurl = new Map(issues.map((i) => [i.purl.toLowerCase(), i]));
    const rows = sortRows(build.packages.map((p) => rowOf(client.baseUrl, p, prepared, byPurl, issueByPurl)));
    const issueCount = analysis.issueCount ?? issues.length;
    const unresolvedCount = analysis.unresolvedIssueCount ?? issues.filter((i) => !i.resolved).length;
    const status = analysis.analyzed && analysis.status !== undefined ? analysis.status : 'inconclusive';
    return {
      project,
      version,
      status,
      analysis,
      ...(build.viewUrl ? { buildUrl: build.viewUrl } : {}),
      issueCount,
      unresolvedCount,
      resolved: status === 'noncompliant' && issueCount > 0 && unresolvedCount === 0,
      rows,
      sources: prepared.sources,
      generated: prepared.generated !== undefined,
      componentCount: prepared.components.length,
    };
  } catch (e) {
    // The import went through: say so, so nobody thinks nothing reached ProGet.
    logger.warning(
      `The SBOM was imported into ProGet (project ${project}, build ${version}), but the audit did not finish; re-run the step to audit it.`,
    );
    throw e;
  }
}

const ORDER: Record<ScaStatus, number> = { noncompliant: 0, inconclusive: 1, warn: 2, compliant: 3 };

export function sortRows(rows: AuditRow[]): AuditRow[] {
  return rows.sort(
    (a, b) =>
      ORDER[a.verdict] - ORDER[b.verdict] ||
      a.name.localeCompare(b.name, 'en') ||
      a.version.localeCompare(b.version, 'en'),
  );
}

function rowOf(
  server: string,
  pkg: ScaBuildPackage,
  prepared: PreparedSbom,
  components: Map<string, SbomComponent>,
  issues: Map<string, ScaIssue>,
): AuditRow {
  const key = pkg.purl.toLowerCase();
  const component = components.get(key);
  const parsed = parsePurl(pkg.purl);
  const origin = prepared.generated ? originOf(prepared.generated, pkg.purl) : undefined;
  const issue = issues.get(key);
  const name = component
    ? component.group
      ? `${component.group}/${component.name}`
      : component.name
    : parsed.name;
  return {
    purl: pkg.purl,
    name,
    version: component?.version || parsed.version,
    licenses: pkg.licenses.length > 0 ? pkg.licenses : (component?.licenses ?? []),
    verdict: pkg.verdict,
    ...(pkg.detail?.trim() ? { detail: pkg.detail.trim() } : {}),
    vulnerabilities: pkg.vulnerabilities.map((v) => ({
      id: v.id,
      ...(v.severity ? { severity: v.severity } : {}),
      ...(v.score !== undefined ? { score: v.score } : {}),
      ...(v.title ? { title: v.title } : {}),
      ...(v.assessment ? { assessment: v.assessment } : {}),
    })),
    url: packageUrl(server, pkg.purl),
    ...(origin ? { origin } : {}),
    ...(issue ? { issue: { number: issue.number, resolved: issue.resolved } } : {}),
  };
}

/** ProGet's page for a purl (the link its own SBOM export writes): `/packages/from-purl?purl=`. */
export function packageUrl(server: string, purl: string): string {
  return `${server}/packages/from-purl?purl=${encodeURIComponent(purl).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`;
}

/** Name (with namespace) and version of a purl, for packages the SBOM did not name itself. */
export function parsePurl(purl: string): { name: string; version: string } {
  const match = /^pkg:[^/]+\/([^@?#]+)(?:@([^?#]+))?/.exec(purl);
  if (!match) return { name: purl, version: '' };
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { name: decode(match[1] as string), version: decode(match[2] ?? '') };
}
