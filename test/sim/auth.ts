// Who is calling (api-notes §1): API keys from the X-ApiKey header, Basic `api:KEY`, the `key` query or form
// field or the JSON `API_Key`; users by Basic `user:password` or a `user:password` pseudo-key.

import type { IncomingMessage } from 'node:http';
import type { ApiKeyConfig, Privilege, UserConfig } from './types.js';

export type Principal =
  /** `unknownKey`: a key was given but matches nothing; ProGet treats the caller as Anonymous (api-notes §1). */
  | { kind: 'anonymous'; unknownKey?: boolean }
  /** Wrong Basic credentials (401). */
  | { kind: 'invalid' }
  | { kind: 'key'; key: ApiKeyConfig; user: string }
  | { kind: 'user'; user: UserConfig };

export const FORBIDDEN_TEXT =
  'The specified API key does not have the proper permissions to perform this action.';

export interface AuthConfig {
  apiKeys: ApiKeyConfig[];
  users: UserConfig[];
  anonymous: Privilege[];
  /** Accept `user:password` where a key goes (ProGet 2024+ admins can turn this off). */
  pseudoKeys: boolean;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function findKey(cfg: AuthConfig, text: string): ApiKeyConfig | undefined {
  return cfg.apiKeys.find((k) => k.key === text);
}

function findUser(cfg: AuthConfig, username: string, password: string): UserConfig | undefined {
  return cfg.users.find(
    (u) => u.username.toLowerCase() === username.toLowerCase() && u.password === password,
  );
}

function fromKeyText(cfg: AuthConfig, text: string): Principal {
  const key = findKey(cfg, text);
  if (key) return { kind: 'key', key, user: key.user ?? 'SYSTEM' };
  const colon = text.indexOf(':');
  if (cfg.pseudoKeys && colon > 0) {
    const user = findUser(cfg, text.slice(0, colon), text.slice(colon + 1));
    if (user) return { kind: 'user', user };
  }
  return { kind: 'anonymous', unknownKey: true };
}

/**
 * Resolve the caller. `bodyKey` is the form `key` or JSON `API_Key` for endpoints that read a body.
 * The header wins over Basic, Basic over the query, the query over the body.
 */
export function resolvePrincipal(
  cfg: AuthConfig,
  req: IncomingMessage,
  query: URLSearchParams,
  bodyKey?: string,
): Principal {
  const apiKey = header(req, 'x-apikey');
  if (apiKey) return fromKeyText(cfg, apiKey);
  const authorization = header(req, 'authorization');
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'invalid' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (username.toLowerCase() === 'api') {
      const key = findKey(cfg, password);
      return key ? { kind: 'key', key, user: key.user ?? 'SYSTEM' } : { kind: 'anonymous', unknownKey: true };
    }
    const user = findUser(cfg, username, password);
    return user ? { kind: 'user', user } : { kind: 'invalid' };
  }
  const queryKey = query.get('key') ?? query.get('API_Key') ?? undefined;
  if (queryKey) return fromKeyText(cfg, queryKey);
  if (bodyKey) return fromKeyText(cfg, bodyKey);
  return { kind: 'anonymous' };
}

function has(privileges: Privilege[] | 'all', p: Privilege): boolean {
  if (privileges === 'all') return true;
  if (privileges.includes(p)) return true;
  // Managing feeds implies every feed privilege.
  return privileges.includes('Feeds_Manage') || privileges.includes('Admin_ManageFeed');
}

/** Whether the caller holds `privilege`, on `feed` when given (a feed-scoped key holds nothing elsewhere). */
export function can(cfg: AuthConfig, who: Principal, privilege: Privilege, feed?: string): boolean {
  switch (who.kind) {
    case 'invalid':
      return false;
    case 'anonymous':
      return cfg.anonymous.includes(privilege);
    case 'user':
      return has(who.user.privileges, privilege);
    case 'key': {
      if (!has(who.key.privileges, privilege)) return false;
      if (who.key.feeds && feed !== undefined) {
        const f = feed.toLowerCase();
        return who.key.feeds.some((x) => x.toLowerCase() === f);
      }
      // A feed-scoped key holds no system-wide privilege.
      return who.key.feeds === undefined;
    }
  }
}

/** Native API access (api-notes §1): keys need it granted; `'all'` keys and users with `'all'` have it. */
export function hasNativeApi(who: Principal): boolean {
  if (who.kind === 'key') return who.key.nativeApi ?? who.key.privileges === 'all';
  if (who.kind === 'user') return who.user.privileges === 'all';
  return false;
}

export function displayUser(who: Principal): string {
  switch (who.kind) {
    case 'user':
      return who.user.username;
    case 'key':
      return who.user;
    default:
      return 'Anonymous';
  }
}
