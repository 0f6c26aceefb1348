// Links into ProGet for people, as the action names them: built by core (shared with the extension).

import { universalDownloadUrl, versionPageUrl } from '@proget-ci/core';

export { describePackage } from '@proget-ci/core';

/** The package version's page in the ProGet UI. */
export const packageUrl = versionPageUrl;

/** Universal Feed API download of the .upack. */
export const downloadUrl = universalDownloadUrl;
