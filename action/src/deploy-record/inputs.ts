import { readFileSync } from 'node:fs';
import { validateGroup, validatePackageName, validateVersion } from '@proget-ci/core';
import { type ConnectionInputs, checkUrlInput, readConnection } from '../shared/connection-inputs.js';
import type { RunContext } from '../shared/context.js';
import { InputReader, type InputSource } from '../shared/input-reader.js';

export interface DeployRecordInputs {
  connection: ConnectionInputs;
  feed: string;
  group?: string;
  name: string;
  version: string;
  target: string;
  application: string;
  description: string;
  url?: string;
  user?: string;
  /** UTC ISO-8601. */
  date: string;
  /** Record a version the feed does not have (with a warning) instead of refusing. */
  allowMissingPackage: boolean;
  /** After the record, promote this SCA build to `stage`. */
  sca?: ScaPromotion;
}

export interface ScaPromotion {
  stage: string;
  /** Default: the repository's name. */
  project: string;
  /** Default: the deployed version. */
  version: string;
}

// Date, optionally time (minutes, seconds, fraction) and zone; a time without a zone is taken as UTC.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function readDeployRecordInputs(
  source: InputSource,
  context: RunContext,
  now: Date = new Date(),
): DeployRecordInputs {
  const inputs = new InputReader(source);
  const connection = readConnection(inputs, context.workspace, context.connectionEnv);
  const feed = inputs.feed('feed', true) ?? '';
  const name = inputs.required('package') ?? '';
  const group = inputs.string('group');
  const version = inputs.required('version') ?? '';
  for (const problem of [
    name === '' ? undefined : validatePackageName(name, '"package"'),
    group === undefined ? undefined : validateGroup(group, '"group"'),
    version === '' ? undefined : validateVersion(version, '"version"'),
  ]) {
    if (problem !== undefined) inputs.problem(problem);
  }

  const target = inputs.string('target') ?? context.environment ?? deploymentEnvironment(context);
  if (target === undefined) {
    inputs.problem(
      '"target" is required: the runner does not tell actions which environment the job deploys to (only a `deployment` event names one); set it to the environment or server name',
    );
  }

  const urlValue = inputs.string('url');
  const url = urlValue === undefined ? context.runUrl : checkUrlInput(inputs, '"url"', urlValue) || undefined;
  const dateValue = inputs.string('date');
  const date = dateValue === undefined ? now.toISOString() : parseIsoDate(inputs, dateValue);

  const result: DeployRecordInputs = {
    connection,
    feed,
    ...(group === undefined ? {} : { group }),
    name,
    version,
    target: target ?? '',
    application: inputs.string('application') ?? 'GitHub Actions',
    description: inputs.string('description') ?? defaultDescription(context),
    url,
    user: inputs.string('user') ?? context.actor,
    date,
    allowMissingPackage: inputs.boolean('allow-missing-package', false),
  };
  const sca = readScaPromotion(inputs, context, version);
  if (sca) result.sca = sca;
  inputs.finish();
  return result;
}

function readScaPromotion(
  inputs: InputReader,
  context: RunContext,
  version: string,
): ScaPromotion | undefined {
  const stage = inputs.string('sca-stage');
  const project = inputs.string('sca-project');
  const scaVersion = inputs.string('sca-version');
  if (stage === undefined) {
    if (project !== undefined || scaVersion !== undefined) {
      inputs.problem(
        '"sca-project" and "sca-version" go with "sca-stage" (the stage to promote the SCA build to)',
      );
    }
    return undefined;
  }
  const repositoryName = context.repository?.split('/').pop();
  const name = project ?? repositoryName;
  if (name === undefined || name === '') {
    inputs.problem(
      '"sca-project" is required with "sca-stage" outside GitHub Actions (it defaults to the repository name)',
    );
    return undefined;
  }
  return { stage, project: name, version: scaVersion ?? version };
}

/** On `on: deployment`, the event payload names the environment (`deployment.environment`). */
function deploymentEnvironment(context: RunContext): string | undefined {
  if (context.eventName !== 'deployment' || context.eventPath === undefined) return undefined;
  try {
    const event = JSON.parse(readFileSync(context.eventPath, 'utf8')) as {
      deployment?: { environment?: unknown };
    };
    const environment = event.deployment?.environment;
    return typeof environment === 'string' && environment.trim() !== '' ? environment.trim() : undefined;
  } catch {
    return undefined;
  }
}

export function defaultDescription(context: RunContext): string {
  const parts = [`Deployed by ${context.workflow ?? 'GitHub Actions'}`];
  if (context.runNumber) parts.push(`run #${context.runNumber}`);
  if (context.sha) parts.push(`(${context.sha.slice(0, 7)})`);
  return parts.join(' ');
}

function parseIsoDate(inputs: InputReader, value: string): string {
  const match = ISO_8601.exec(value);
  const bad = () => {
    inputs.problem(`"date" must be an ISO-8601 date, e.g. 2024-05-01T12:30:00Z; got "${value}"`);
    return '';
  };
  if (!match) return bad();
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = match;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return bad();
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return bad();
  const withZone = match[4] === undefined ? `${y}-${mo}-${d}T00:00:00Z` : zone ? value : `${value}Z`;
  const parsed = new Date(withZone.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed.getTime()) ? bad() : parsed.toISOString();
}
