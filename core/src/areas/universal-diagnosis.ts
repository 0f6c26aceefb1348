// What a 404 under a feed means (the feed, the package, the version or a file is missing), and the
// check that keeps an ungrouped delete on ProGet 2023 from removing a grouped twin (api-notes §7).

import type { CallOptions } from '../client-api.js';
import { isProGetError, ProGetError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { joinPath } from '../transport/urls.js';
import type { PackageId, PackageVersionId, UniversalPackage } from '../types.js';
import { describePackage } from '../upack/describe.js';
import type { FeedsArea } from './feeds.js';
import { mayIgnoreMissingGroup, reframe } from './server.js';
import { parseUniversalVersion } from './universal-wire.js';
import { arrayOf } from './wire.js';

/**
 * A 404 under a feed names what is missing: the feed (probed first), the package, the version, or else
 * the file inside the package. Anything else is returned unchanged.
 */
export async function explainNotFound(
  error: unknown,
  area: {
    feeds?: FeedsArea;
    universal: {
      getPackage(feed: string, id: PackageId, options?: CallOptions): Promise<UniversalPackage | undefined>;
    };
  },
  feed: string,
  id: PackageVersionId,
  options?: CallOptions,
  filePath?: string,
): Promise<unknown> {
  if (!isProGetError(error, 'not-found') || error.status !== 404 || !area.feeds) return error;
  try {
    await area.feeds.require(feed, options);
    const pkg = await area.universal.getPackage(feed, id, options);
    if (!pkg) {
      return reframe(error, {
        subject: 'package',
        message: `Package ${describePackage({ ...id, version: undefined })} was not found in feed "${feed}"`,
        hint: 'Check the package name and group (names and groups are matched ignoring case).',
      });
    }
    if (!pkg.versions.some((v) => v.toLowerCase() === id.version.toLowerCase())) {
      const recent = pkg.versions.slice(-5).join(', ');
      return reframe(error, {
        subject: 'version',
        message: `Version ${id.version} of ${describePackage({ ...id, version: undefined })} was not found in feed "${feed}"`,
        hint: recent ? `Versions in the feed include: ${recent}.` : undefined,
      });
    }
    if (filePath !== undefined) return reframe(error, { subject: 'package' });
    return error;
  } catch (diagnosis) {
    // The feed (or the key, or the server) is what is wrong: that error says so.
    return isProGetError(diagnosis) ? diagnosis : error;
  }
}

/**
 * ProGet 2023 ignores a missing group: deleting the ungrouped `name version` may remove a grouped twin
 * (api-notes §7). Unless the server is known to be 2024 or later, look first and refuse when a twin exists.
 */
export async function refuseTwinDelete(
  transport: Transport,
  feed: string,
  id: PackageVersionId,
  options?: CallOptions,
): Promise<void> {
  if (!mayIgnoreMissingGroup(transport.serverInfo)) return;
  // Without a group, a 2023 server lists the name's versions from every group.
  const all = await transport.request(
    {
      method: 'GET',
      path: joinPath('upack', feed, 'versions'),
      query: { name: id.name },
      signal: options?.signal,
      passStatuses: [404],
      operation: `check ${describePackage(id)} in feed "${feed}" before deleting it`,
      privilege: `Feeds_ViewFeed on feed "${feed}"`,
    },
    async (r) =>
      r.status === 404 ? [] : arrayOf(await r.readJson(), 'the version list').map(parseUniversalVersion),
  );
  if (!mayIgnoreMissingGroup(transport.serverInfo)) return;
  const v = id.version.toLowerCase();
  const twins = all.filter((x) => x.group !== '' && x.version.toLowerCase() === v);
  if (twins.length === 0) return;
  throw new ProGetError({
    kind: 'conflict',
    subject: 'package',
    message: `Refusing to delete ${describePackage(id)} from feed "${feed}": this server may delete ${describePackage(twins[0]!)} instead`,
    hint:
      'ProGet 2023 ignores a missing group, so a delete of a package without group can remove a grouped ' +
      'package of the same name and version. Delete it in the ProGet UI, or upgrade to ProGet 2024 or later.',
  });
}
