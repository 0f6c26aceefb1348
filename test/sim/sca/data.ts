// The seeded SCA data set: an offline vulnerability database, the license list with one shared policy,
// and what the server knows about some packages. Chosen so every verdict shows up:
//   compliant     pkg:npm/lodash@4.17.21, pkg:nuget/Newtonsoft.Json@13.0.3, pkg:nuget/CsvHelper@30.0.1
//   warn          pkg:npm/semver@7.5.1 (medium vulnerability), pkg:pypi/chardet@5.2.0 (LGPL: warn by policy)
//   noncompliant  pkg:npm/lodash@4.17.20 (critical vulnerability), pkg:nuget/Newtonsoft.Json@12.0.3 (high),
//                 pkg:pypi/pyqt5@5.15.9 (GPL-3.0-only: blocked by policy)
//   inconclusive  pkg:npm/mystery-widget@1.0.0 (no license detected, never cached), and any unknown purl
//   blocked       pkg:npm/event-stream@3.3.6 (malicious package: noncompliant and download blocked)
// Severities and scores are the simulator's, not a vulnerability database's.

export interface SimVulnerability {
  id: string;
  summary: string;
  details: string;
  cve?: string;
  cvss?: string;
  numericCvss?: number;
  severity?: 'Low' | 'Medium' | 'High' | 'Critical';
  published: string;
  /** purls without qualifiers, e.g. `pkg:npm/lodash@4.17.20` (compared case-insensitively). */
  affects: string[];
}

export interface SimLicense {
  code: string;
  title: string;
  urls: string[];
  spdx?: string[];
  /** The shared policy's rule for this license. Default 'allowed'. */
  policy?: 'allowed' | 'warn' | 'blocked';
}

export interface SimPackageFacts {
  licenses: string[];
  /** Pulled through a connector or uploaded, so ProGet has it. Default true. */
  cached?: boolean;
  malicious?: boolean;
  published?: string;
}

export const SEED_VULNERABILITIES: SimVulnerability[] = [
  {
    id: 'PGV-2245804',
    summary: 'Improper Handling of Exceptional Conditions in Newtonsoft.Json',
    details: 'Newtonsoft.Json before 13.0.1 is affected by a mishandling of exceptional conditions.',
    cve: 'CVE-2024-21907',
    cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    numericCvss: 7.5,
    severity: 'High',
    published: '2022-06-22T15:08:47Z',
    affects: ['pkg:nuget/Newtonsoft.Json@12.0.3', 'pkg:nuget/Newtonsoft.Json@12.0.1'],
  },
  {
    id: 'PGV-2123337',
    summary: 'Command Injection in lodash',
    details:
      'lodash versions prior to 4.17.21 are vulnerable to Command Injection via the template function.',
    cve: 'CVE-2021-23337',
    cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    numericCvss: 9.1,
    severity: 'Critical',
    published: '2021-02-15T13:15:12Z',
    affects: ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash@4.17.19'],
  },
  {
    id: 'PGV-2225883',
    summary: 'Regular Expression Denial of Service in semver',
    details: 'Versions of semver before 7.5.2 are vulnerable to ReDoS via the Range function.',
    cve: 'CVE-2022-25883',
    cvss: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
    numericCvss: 5.3,
    severity: 'Medium',
    published: '2023-06-21T05:15:09Z',
    affects: ['pkg:npm/semver@7.5.1', 'pkg:npm/semver@6.3.0'],
  },
];

export const SEED_LICENSES: SimLicense[] = [
  {
    code: '0BSD',
    title: 'BSD Zero Clause License',
    urls: ['landley.net/toybox/license.html', 'spdx.org/licenses/0BSD.html'],
  },
  { code: 'Apache-2.0', title: 'Apache License 2.0', urls: ['https://spdx.org/licenses/Apache-2.0.html'] },
  {
    code: 'BSD-3-Clause',
    title: 'BSD 3-Clause "New" or "Revised" License',
    urls: ['https://spdx.org/licenses/BSD-3-Clause.html'],
  },
  { code: 'ISC', title: 'ISC License', urls: ['https://spdx.org/licenses/ISC.html'] },
  { code: 'MIT', title: 'MIT License', urls: ['https://spdx.org/licenses/MIT.html'], spdx: ['MIT'] },
  { code: 'MS-PL', title: 'Microsoft Public License', urls: ['https://spdx.org/licenses/MS-PL.html'] },
  {
    code: 'LGPL-2.1-only',
    title: 'GNU Lesser General Public License v2.1 only',
    urls: ['https://spdx.org/licenses/LGPL-2.1-only.html'],
    spdx: ['LGPL-2.1-only', 'LGPL-2.1'],
    policy: 'warn',
  },
  {
    code: 'GPL-3.0-only',
    title: 'GNU General Public License v3.0 only',
    urls: ['https://spdx.org/licenses/GPL-3.0-only.html'],
    spdx: ['GPL-3.0-only', 'GPL-3.0'],
    policy: 'blocked',
  },
  {
    code: 'AGPL-3.0-only',
    title: 'GNU Affero General Public License v3.0 only',
    urls: ['https://spdx.org/licenses/AGPL-3.0-only.html'],
    spdx: ['AGPL-3.0-only', 'AGPL-3.0'],
    policy: 'blocked',
  },
];

export const SEED_PACKAGES: Record<string, SimPackageFacts> = {
  'pkg:npm/lodash@4.17.21': { licenses: ['MIT'] },
  'pkg:npm/lodash@4.17.20': { licenses: ['MIT'] },
  'pkg:npm/semver@7.5.1': { licenses: ['ISC'] },
  'pkg:npm/semver@6.3.0': { licenses: ['ISC'] },
  'pkg:npm/event-stream@3.3.6': { licenses: ['MIT'], malicious: true },
  'pkg:npm/mystery-widget@1.0.0': { licenses: [], cached: false },
  'pkg:pypi/pyqt5@5.15.9': { licenses: ['GPL-3.0-only'] },
  'pkg:pypi/chardet@5.2.0': { licenses: ['LGPL-2.1-only'] },
  'pkg:nuget/Newtonsoft.Json@13.0.3': { licenses: ['MIT'], published: '2023-03-08T07:42:54.647Z' },
  'pkg:nuget/Newtonsoft.Json@13.0.2': { licenses: ['MIT'] },
  'pkg:nuget/Newtonsoft.Json@12.0.3': { licenses: ['MIT'] },
  'pkg:nuget/CsvHelper@30.0.1': { licenses: ['Apache-2.0', 'MS-PL'] },
};
