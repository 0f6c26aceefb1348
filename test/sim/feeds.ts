// Feed listing: /api/management/feeds/list|get/{name} and the legacy Native API (/api/json/{method}).

import { hasNativeApi, type Principal } from './auth.js';
import type { ApiArea, Call, Feed, Sim } from './context.js';
import { isUniversal } from './context.js';
import { HttpError, json, readFields, type SimResponse, str, text } from './http.js';
import { feedView } from './views.js';

function baseUrl(call: Call): string {
  return `${call.url.protocol}//${call.url.host}`;
}

function viewable(sim: Sim, who: Principal): Feed[] {
  return sim.feeds.filter((f) => sim.can(who, 'Feeds_ViewFeed', f.name));
}

/**
 * A missing key where Anonymous sees nothing is refused (403 on the management API, api-notes §1); an unknown
 * key is Anonymous too but simply sees nothing (`[]`).
 */
function refuseMissingKey(sim: Sim, who: Principal, area: ApiArea) {
  if (who.kind === 'invalid') throw sim.denied(who, area);
  if (who.kind === 'anonymous' && !who.unknownKey && viewable(sim, who).length === 0)
    throw sim.denied(who, area);
}

export async function managementFeeds(sim: Sim, call: Call, rest: string[]): Promise<SimResponse> {
  const who = call.who();
  const [op, name] = rest;
  if (op === 'list' && rest.length === 1) {
    refuseMissingKey(sim, who, 'management');
    return json(
      200,
      viewable(sim, who).map((f) => feedView(f, baseUrl(call))),
    );
  }
  if (op === 'get' && name !== undefined && rest.length === 2) {
    const feed = sim.feed(name);
    if (!feed) {
      if (who.kind === 'invalid' || (who.kind === 'anonymous' && viewable(sim, who).length === 0))
        throw sim.denied(who, 'management');
      throw new HttpError(404, `Feed "${name}" was not found.`);
    }
    sim.authorize(who, 'Feeds_ViewFeed', feed.name, 'management');
    return json(200, feedView(feed, baseUrl(call)));
  }
  return text(404, 'Unknown feed management operation.');
}

function nativeFeedType(f: Feed): string {
  // The legacy API still calls universal feeds "ProGet".
  if (isUniversal(f)) return 'ProGet';
  const t = f.feedType.toLowerCase();
  return t === 'nuget' ? 'NuGet' : t.charAt(0).toUpperCase() + t.slice(1);
}

export async function nativeApi(sim: Sim, call: Call, method: string | undefined): Promise<SimResponse> {
  const fields = call.method === 'POST' ? await readFields(call.req, call.body) : {};
  const arg = (name: string) => call.query.get(name) ?? str(fields[name]);
  const who = call.who(str(fields.API_Key));
  if (!method) return json(200, { methods: ['Feeds_GetFeeds', 'Connectors_GetConnectors'] });
  // Only keys granted Native API access may call it (api-notes §1); a missing key is challenged.
  if (!hasNativeApi(who)) throw sim.denied(who);
  switch (method.toLowerCase()) {
    case 'feeds_getfeeds': {
      const includeInactive = (arg('IncludeInactive_Indicator') ?? 'Y').toUpperCase() !== 'N';
      return json(
        200,
        viewable(sim, who)
          .filter((f) => includeInactive || f.active)
          .map((f) => ({
            Feed_Id: f.id,
            Feed_Name: f.name,
            Feed_Description: f.description || null,
            FeedType_Name: nativeFeedType(f),
            Active_Indicator: f.active ? 'Y' : 'N',
          })),
      );
    }
    case 'connectors_getconnectors': {
      const feeds = viewable(sim, who);
      const rows: Record<string, unknown>[] = [];
      for (const c of sim.connectors) {
        const users = feeds.filter((f) => f.connectors.some((n) => n.toLowerCase() === c.name.toLowerCase()));
        // As the doc page shows them: a row per connector and feed, then one per filter (whose columns
        // repeat the connector's as `Connector_Id1`, with the feed id but not its name).
        for (const f of users.length > 0 ? users : [undefined]) {
          rows.push({
            Connector_Id: c.id,
            Connector_Name: c.name,
            Connector_Url: c.url,
            Feed_Id: f?.id ?? null,
            Feed_Name: f?.name ?? null,
          });
          (c.filters ?? []).forEach((filter, i) => {
            rows.push({
              Connector_Id: c.id,
              Filter_Sequence: i + 1,
              Allow_Indicator: filter.allow ? 'Y' : 'N',
              Rule_Text: filter.rule,
              Connector_Id1: c.id,
              Connector_Name: c.name,
              Connector_Url: c.url,
              Feed_Id: f?.id ?? null,
            });
          });
        }
      }
      return json(200, rows);
    }
    default:
      return text(404, `The method "${method}" was not found.`);
  }
}
