// /api/promotions/list (history) and /api/promotions/promote (copy a package version to another feed).

import { copyFile, link } from 'node:fs/promises';
import { displayUser } from './auth.js';
import type { Call, Sim } from './context.js';
import { packageTypeOf } from './context.js';
import { type Fields, HttpError, json, readFields, type SimResponse, str, text } from './http.js';
import { commitPackage, packageId } from './ingest.js';
import type { PromotionRecord } from './store.js';
import { latestOf } from './versions.js';

const GROUPED_TYPES = new Set(['upack', 'npm', 'maven']);

export async function promotionsApi(sim: Sim, call: Call, op: string | undefined): Promise<SimResponse> {
  if (op === 'list') return list(sim, call);
  if (op === 'promote') {
    if (call.method !== 'POST') throw new HttpError(405, 'Use POST.', { Allow: 'POST' });
    return promote(sim, call);
  }
  return text(404, 'Unknown promotions operation.');
}

function list(sim: Sim, call: Call): SimResponse {
  const who = call.who();
  if (who.kind === 'invalid') throw sim.denied(who);
  const visible = (feed: string) => sim.can(who, 'Feeds_ViewFeed', feed);
  if (who.kind === 'anonymous' && !sim.feeds.some((f) => visible(f.name))) throw sim.denied(who);
  const q = call.query;
  const eq = (a: string, b: string | null) => b === null || a.toLowerCase() === b.toLowerCase();
  const hits = sim.store.promotions.filter(
    (p) =>
      (visible(p.fromFeed) || visible(p.toFeed)) &&
      eq(p.fromFeed, q.get('fromFeed')) &&
      eq(p.toFeed, q.get('toFeed')) &&
      eq(p.group, q.get('group')) &&
      eq(p.name, q.get('package') ?? q.get('packageName')) &&
      (q.get('version') === null || p.version === q.get('version')),
  );
  const entries = new Map<string, { head: PromotionRecord; items: PromotionRecord[] }>();
  for (const p of hits) {
    const k = [p.packageType, p.group, p.name, p.version].join('\n').toLowerCase();
    const e = entries.get(k);
    if (e) e.items.push(p);
    else entries.set(k, { head: p, items: [p] });
  }
  return json(
    200,
    [...entries.values()].map(({ head, items }) => ({
      ...(head.group && GROUPED_TYPES.has(head.packageType) ? { group: head.group } : {}),
      package: head.name,
      packageType: head.packageType,
      version: head.version,
      promotions: items.map((p) => ({
        fromFeed: p.fromFeed,
        toFeed: p.toFeed,
        // ProGet 2023 writes the UTC date without a zone suffix (the page's data specification).
        date: sim.behaviour.versionMode === '2023' ? p.date.replace(/(\.\d+)?Z$/, '') : p.date,
        user: p.user,
        comments: p.comments,
        id: p.id,
      })),
    })),
  );
}

function field(fields: Fields, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(fields[n]);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

async function promote(sim: Sim, call: Call): Promise<SimResponse> {
  const fields = await readFields(call.req, call.body);
  const who = call.who(str(fields.API_Key ?? fields.key));
  if (who.kind === 'invalid') throw sim.denied(who);
  if (sim.behaviour.edition === 'Free')
    throw new HttpError(
      403,
      'Promoting packages through the API requires a paid edition of ProGet (Basic or Enterprise); this server runs ProGet Free.',
    );
  const from = field(fields, 'fromFeed');
  const to = field(fields, 'toFeed');
  const name = field(fields, 'name', 'packageName');
  const versionArg = field(fields, 'version');
  const group = field(fields, 'group', 'groupName') ?? '';
  const comments = field(fields, 'comments') ?? '';
  const missing = [
    ['fromFeed', from],
    ['toFeed', to],
    ['name', name],
    ['version', versionArg],
  ]
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0) {
    if (who.kind === 'anonymous' && !sim.auth.anonymous.includes('Feeds_AcceptPackagePromotions'))
      throw sim.denied(who);
    throw new HttpError(
      400,
      `Missing required ${missing.length === 1 ? 'property' : 'properties'}: ${missing.join(', ')}.`,
    );
  }
  const source = sim.feed(from!);
  const target = sim.feed(to!);
  if (!source) throw new HttpError(400, `Feed ${from} was not found.`);
  if (!target) throw new HttpError(400, `Feed ${to} was not found.`);
  sim.authorize(who, 'Feeds_AcceptPackagePromotions', target.name);
  sim.authorize(who, 'Feeds_ViewFeed', source.name);
  if (source.name === target.name)
    throw new HttpError(400, 'A package cannot be promoted to the feed it is in.');
  if (packageTypeOf(source) !== packageTypeOf(target))
    throw new HttpError(
      400,
      `Feed ${source.name} (${source.feedType}) and feed ${target.name} (${target.feedType}) are not of the same feed type.`,
    );
  if (source.promotionTarget && source.promotionTarget.toLowerCase() !== target.name.toLowerCase())
    throw new HttpError(
      400,
      `Packages in feed ${source.name} can only be promoted to ${source.promotionTarget}.`,
    );
  if (!target.active) throw new HttpError(400, `Feed ${target.name} is disabled.`);

  const versions = sim.store.versionsOf(source.name, group, name!);
  const v = versionArg!.toLowerCase();
  const version =
    v === 'latest' || v === 'latest-stable'
      ? latestOf(
          versions.map((r) => r.version),
          v === 'latest-stable',
        )
      : versions.find((r) => r.version.toLowerCase() === v)?.version;
  const record = versions.find((r) => r.version === version);
  if (!record)
    throw new HttpError(
      400,
      `Package ${packageId(group, name!)} ${versionArg} was not found in feed ${source.name}.`,
    );

  if (!sim.store.find(target.name, record.group, record.name, record.version)) {
    const temp = sim.store.tempPath();
    await link(sim.store.path(record), temp).catch(() => copyFile(sim.store.path(record), temp));
    await commitPackage(sim, who, target, temp, record.hashes, record.manifest, {
      extension: record.extension,
      published: record.published,
      allowOverwrite: false,
    }).catch((e) => {
      // Someone put the same version there meanwhile: it is there, which is what promotion wants.
      if (!(e instanceof HttpError && /already exists/.test(e.message))) throw e;
    });
  }
  await sim.store.addPromotion({
    packageType: record.packageType,
    group: record.group,
    name: record.name,
    version: record.version,
    fromFeed: source.name,
    toFeed: target.name,
    date: new Date().toISOString(),
    user: displayUser(who),
    comments,
  });
  return { status: 200, body: '' };
}
