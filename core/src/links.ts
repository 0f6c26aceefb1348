// Addresses people open: ProGet's web UI pages and package download URLs. Strings only, no requests; the
// action's summaries and the extension's "Open in ProGet" / "Copy Download URL" both build them here.

import type { PackageId } from './types.js';

const seg = (s: string) => encodeURIComponent(s);
/** A group keeps its `/` separators; each segment is escaped on its own. */
const idPath = (id: PackageId) => [...(id.group ? id.group.split('/') : []), id.name].map(seg).join('/');

export function feedPageUrl(server: string, feed: string): string {
  return `${server}/feeds/${seg(feed)}`;
}

/** The package's page (its version list) in the ProGet UI. */
export function packagePageUrl(server: string, feed: string, id: PackageId): string {
  return `${server}/feeds/${seg(feed)}/${idPath(id)}/versions`;
}

/** One version's page in the ProGet UI. */
export function versionPageUrl(server: string, feed: string, id: PackageId & { version: string }): string {
  return `${server}/feeds/${seg(feed)}/${idPath(id)}/${seg(id.version)}`;
}

/** The Universal Feed API download of the .upack (`/upack/{feed}/download/{group}/{name}/{version}`). */
export function universalDownloadUrl(
  server: string,
  feed: string,
  id: PackageId & { version: string },
): string {
  return `${server}/upack/${seg(feed)}/download/${idPath(id)}/${seg(id.version)}`;
}

export function connectorPageUrl(server: string, connector: { id?: number; name: string }): string {
  return connector.id === undefined
    ? `${server}/connectors`
    : `${server}/connectors/connector?connectorId=${connector.id}`;
}
