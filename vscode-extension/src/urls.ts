// Addresses of ProGet's web UI and of package downloads, for "Open in ProGet" and "Copy Download URL".
// Only strings are built here; every request to a server goes through core's client.

import { packageIdText } from './tree/model.js';

const seg = (s: string) => encodeURIComponent(s);
const segs = (path: string) => path.split('/').map(seg).join('/');

export function feedPageUrl(server: string, feed: string): string {
  return `${server}/feeds/${seg(feed)}`;
}

export function packagePageUrl(server: string, feed: string, id: { group: string; name: string }): string {
  return `${server}/feeds/${seg(feed)}/${segs(packageIdText(id))}/versions`;
}

export function versionPageUrl(
  server: string,
  feed: string,
  id: { group: string; name: string; version: string },
): string {
  return `${server}/feeds/${seg(feed)}/${segs(packageIdText(id))}/${seg(id.version)}`;
}

/** The universal feed API's download address (`/upack/{feed}/download/{group}/{name}/{version}`). */
export function universalDownloadUrl(
  server: string,
  feed: string,
  id: { group: string; name: string; version: string },
): string {
  return `${server}/upack/${seg(feed)}/download/${segs(packageIdText(id))}/${seg(id.version)}`;
}

export function connectorPageUrl(server: string, connector: { id?: number; name: string }): string {
  return connector.id === undefined
    ? `${server}/connectors`
    : `${server}/connectors/connector?connectorId=${connector.id}`;
}
