// POST /api/package-deployment/: deployment records with PascalCase fields, JSON or form.

import { displayUser } from './auth.js';
import type { Call, Sim } from './context.js';
import { type Fields, HttpError, readFields, type SimResponse, str } from './http.js';

const REQUIRED = ['Application', 'Description', 'Target', 'FeedName', 'PackageName', 'Version'] as const;

function pick(fields: Fields, name: string): string | undefined {
  const key = Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : str(fields[key]);
  return v === '' ? undefined : v;
}

export async function deploymentApi(sim: Sim, call: Call): Promise<SimResponse> {
  if (call.method !== 'POST') throw new HttpError(405, 'Use POST.', { Allow: 'POST' });
  const fields = await readFields(call.req, call.body);
  const who = call.who(pick(fields, 'API_Key') ?? pick(fields, 'key'));
  if (who.kind === 'invalid') throw sim.denied(who);
  const missing = REQUIRED.filter((f) => pick(fields, f) === undefined);
  if (missing.length > 0) {
    if (who.kind === 'anonymous' && !sim.auth.anonymous.includes('Feeds_DownloadPackage'))
      throw sim.denied(who);
    throw new HttpError(
      400,
      `Missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`,
    );
  }
  const feedName = pick(fields, 'FeedName')!;
  const feed = sim.feed(feedName);
  if (!feed) {
    if (who.kind === 'anonymous' && !sim.auth.anonymous.includes('Feeds_DownloadPackage'))
      throw sim.denied(who);
    throw new HttpError(404, `Feed ${feedName} was not found.`);
  }
  sim.authorize(who, 'Feeds_DownloadPackage', feed.name);
  const date = pick(fields, 'Date');
  if (date !== undefined && Number.isNaN(Date.parse(date)))
    throw new HttpError(400, `Invalid Date "${date}": use an ISO 8601 UTC date.`);
  if (!feed.deploymentRecordsEnabled) {
    if (sim.behaviour.deploymentToDisabledFeed === 'reject')
      throw new HttpError(400, `Deployment records are not enabled for feed ${feed.name}.`);
    return { status: 200, body: '' };
  }
  const group = pick(fields, 'GroupName');
  const url = pick(fields, 'Url');
  await sim.store.addDeployment({
    application: pick(fields, 'Application')!,
    description: pick(fields, 'Description')!,
    target: pick(fields, 'Target')!,
    feedName: feed.name,
    packageName: pick(fields, 'PackageName')!,
    ...(group ? { groupName: group } : {}),
    version: pick(fields, 'Version')!,
    userName: pick(fields, 'UserName') ?? displayUser(who),
    ...(url ? { url } : {}),
    date: date ? new Date(date).toISOString() : new Date().toISOString(),
  });
  return { status: 200, body: '' };
}
