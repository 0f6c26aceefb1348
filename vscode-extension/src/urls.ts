// Addresses of ProGet's web UI and of package downloads, for "Open in ProGet" and "Copy Download URL":
// built by core (shared with the action), no requests.

export {
  connectorPageUrl,
  feedPageUrl,
  packagePageUrl,
  universalDownloadUrl,
  versionPageUrl,
} from '@proget-ci/core';
