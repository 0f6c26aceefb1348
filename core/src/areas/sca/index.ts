// client.sca: SCA projects and builds, vulnerabilities, package compliance and licenses
// (sca-api-notes §3–6). Where the docs and pgutil disagree, what pgutil sends is sent (notes §9).

import type { Transport } from '../../transport/transport.js';
import type { ScaApi } from './api.js';
import { ScaBuildsArea } from './builds.js';
import { ScaLicensesArea } from './licenses.js';
import { ScaPackagesArea } from './packages.js';
import { ScaProjectsArea } from './projects.js';
import { ScaVulnerabilitiesArea } from './vulnerabilities.js';

export { ScaBuildsArea, ScaLicensesArea, ScaPackagesArea, ScaProjectsArea, ScaVulnerabilitiesArea };

export class ScaArea implements ScaApi {
  readonly projects: ScaProjectsArea;
  readonly builds: ScaBuildsArea;
  readonly vulnerabilities: ScaVulnerabilitiesArea;
  readonly packages: ScaPackagesArea;
  readonly licenses: ScaLicensesArea;

  constructor(transport: Transport) {
    this.projects = new ScaProjectsArea(transport);
    this.builds = new ScaBuildsArea(transport);
    this.vulnerabilities = new ScaVulnerabilitiesArea(transport);
    this.packages = new ScaPackagesArea(transport);
    this.licenses = new ScaLicensesArea(transport);
  }
}
