// The SCA wire readers on the notes' examples and on the shapes other server versions send.

import { describe, expect, it } from 'vitest';
import {
  parseBuild,
  parseBuildAnalysis,
  parseIssue,
  parseLicense,
  parsePackageAudit,
  parsePackageMetadata,
  parseVulnerabilities,
  severityOf,
  statusOf,
} from '../../src/areas/sca/wire.js';

describe('statuses', () => {
  it('letters and words, any case; unreadable is undefined', () => {
    expect(
      [
        'C',
        'w',
        'N',
        'I',
        'Compliant',
        'WARN',
        'Non-compliant',
        'Noncompliant (Resolved)',
        'inconclusive',
      ].map(statusOf),
    ).toEqual([
      'compliant',
      'warn',
      'noncompliant',
      'inconclusive',
      'compliant',
      'warn',
      'noncompliant',
      'noncompliant',
      'inconclusive',
    ]);
    expect(statusOf(null)).toBeUndefined();
    expect(statusOf('Error')).toBeUndefined();
  });

  it('BuildAnalysisResults: never analysed, resolved noncompliant, PascalCase', () => {
    expect(
      parseBuildAnalysis({ lastAnalyzedDate: null, statusCode: null, statusText: 'Not analyzed' }),
    ).toMatchObject({
      analyzed: false,
      status: undefined,
    });
    expect(
      parseBuildAnalysis({
        LastAnalyzedDate: '2024-07-11T08:53:41.82',
        StatusCode: 'N',
        StatusText: 'Noncompliant',
        IssueCount: '2',
        UnresolvedIssueCount: 0,
        TotalPackages: 42,
      }),
    ).toEqual({
      analyzed: true,
      analyzedAt: '2024-07-11T08:53:41.820Z',
      status: 'noncompliant',
      statusText: 'Noncompliant',
      issueCount: 2,
      unresolvedIssueCount: 0,
      totalPackages: 42,
      resolved: true,
    });
  });
});

describe('builds', () => {
  it("the docs' get-build example (made valid JSON)", () => {
    const build = parseBuild(
      {
        version: '1.2.3',
        active: true,
        viewBuildUrl: 'http://proget.corp.local/projects2/builds/build?buildId=3',
        comments: [],
        packages: [
          {
            purl: 'pkg:nuget/CsvHelper@30.0.1',
            licenses: ['Apache-2.0', 'MS-PL'],
            compliance: { result: 'Compliant', date: '2024-07-11T08:53:41.82Z' },
            vulnerabilities: [],
          },
          {
            purl: 'pkg:nuget/Newtonsoft.Json@12.0.3',
            licenses: ['MIT'],
            compliance: {
              result: 'Noncompliant',
              detail: ' because of Vulnerability (PGV-2245804).',
              date: '2024-07-11T08:53:41.827Z',
            },
            vulnerabilities: [
              {
                id: 'PGV-2245804',
                title: 'Improper Handling of Exceptional Conditions in Newtonsoft.Json',
                description: 'Description in markdown',
                score: 7.5,
                assessment: 'Blocked',
              },
              { id: 'PGV-2400707', title: 'Duplicate Advisory', description: 'Description in markdown' },
            ],
          },
        ],
      },
      'myProject',
    );
    expect(build.project).toBe('myProject');
    expect(build.viewUrl).toBe('http://proget.corp.local/projects2/builds/build?buildId=3');
    expect(build.packages[1]).toMatchObject({
      verdict: 'noncompliant',
      detail: 'because of Vulnerability (PGV-2245804).',
      analyzedAt: '2024-07-11T08:53:41.827Z',
    });
    expect(build.packages[1]!.vulnerabilities).toEqual([
      {
        id: 'PGV-2245804',
        title: 'Improper Handling of Exceptional Conditions in Newtonsoft.Json',
        description: 'Description in markdown',
        score: 7.5,
        severity: 'high',
        assessment: 'Blocked',
        assessmentKind: 'contain',
      },
      {
        id: 'PGV-2400707',
        title: 'Duplicate Advisory',
        description: 'Description in markdown',
        score: undefined,
        severity: undefined,
        assessment: undefined,
        assessmentKind: undefined,
      },
    ]);
  });

  it('the legacy release shape and a compliance result nobody can read (not a pass)', () => {
    const release = parseBuild(
      {
        version: '1.2.3',
        active: true,
        viewReleaseUrl: 'https://proget.corp.local/projects/release?projectReleaseId=2',
        viewIssuesUrl: 'https://proget.corp.local/projects/release/issues?projectReleaseId=2',
        packages: [{ purl: 'pkg:npm/x@1', licenses: 'MIT', compliance: { result: 'Error' } }],
      },
      'p',
    );
    expect(release).toMatchObject({
      viewUrl: 'https://proget.corp.local/projects/release?projectReleaseId=2',
      issuesUrl: 'https://proget.corp.local/projects/release/issues?projectReleaseId=2',
      comments: [],
    });
    expect(release.packages[0]).toMatchObject({
      licenses: ['MIT'],
      verdict: 'inconclusive',
      result: 'Error',
    });
  });

  it('legacy and current issues', () => {
    expect(
      parseIssue({
        number: 1,
        created: '2024-02-09T07:50:09.52Z',
        type: 'L',
        purl: 'pkg:nuget/Newtonsoft.Json@5.0.8',
      }),
    ).toEqual({
      number: 1,
      created: '2024-02-09T07:50:09.520Z',
      detail: undefined,
      purl: 'pkg:nuget/Newtonsoft.Json@5.0.8',
      resolved: false,
      type: 'L',
      vulnerability: undefined,
    });
  });
});

describe('vulnerabilities', () => {
  it("the docs' audit example; indexes outside the request are kept but resolve to nothing", () => {
    const request = [
      { type: 'nuget', name: 'myPackage', version: '1.2.3' },
      { type: 'nuget', name: 'myPackage', version: '1.2.3' },
    ];
    const list = parseVulnerabilities(
      [
        {
          id: 'PGV-12345678',
          affectedPackages: [0],
          summary: 'Improper Handling of Exceptional Conditions',
          published: '2022-06-22T15:08:47Z',
          details: 'This is a vulnerability',
          cve: 'CVE-1234-56789',
          cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
          numericCvss: 7.5,
          severity: 'High',
        },
        { id: 'PGV-8765432', affectedPackages: [0, 1, 7], numericCvss: '9.8' },
      ],
      request,
    );
    expect(list[0]).toMatchObject({
      id: 'PGV-12345678',
      severity: 'high',
      score: 7.5,
      affected: [request[0]],
    });
    expect(list[1]).toMatchObject({ severity: 'critical', score: 9.8, affectedIndexes: [0, 1, 7] });
    expect(list[1]!.affected).toHaveLength(2);
  });

  it('older and PVRS-era fields: title/score, pvrsCategory, moderate', () => {
    const [v] = parseVulnerabilities(
      [{ id: 'X', title: 'T', score: 5, pvrsCategory: 4, severity: 'Moderate' }],
      [],
    );
    expect(v).toMatchObject({ summary: 'T', score: 5, severity: 'medium', pvrsCategory: 4 });
    expect(severityOf(undefined, 3.9)).toBe('low');
    expect(severityOf(undefined, undefined)).toBeUndefined();
  });
});

describe('package compliance', () => {
  it('metadata: blocked only when allowDownload is false; no report is inconclusive', () => {
    const base = { name: 'Newtonsoft.Json', version: '13.0.3', state: 'Remote' };
    expect(
      parsePackageMetadata({
        ...base,
        complianceReport: { analysisDate: '2024-01-01T00:00:00Z', analysisResult: 'Compliant' },
        status: { allowDownload: null },
      }).verdict,
    ).toBe('compliant');
    expect(
      parsePackageMetadata({
        ...base,
        complianceReport: { analysisResult: 'Compliant' },
        status: { allowDownload: false },
      }).verdict,
    ).toBe('blocked');
    expect(parsePackageMetadata(base).verdict).toBe('inconclusive');
    expect(parsePackageMetadata({ ...base, complianceReport: { analysisResult: 'Error' } }).verdict).toBe(
      'noncompliant',
    );
  });

  it('audit: statusText wins over a non-null resultCode (pgutil reads that as failure)', () => {
    expect(parsePackageAudit({ resultCode: 'X', statusText: 'Compliant' }).verdict).toBe('compliant');
    expect(parsePackageAudit({ resultCode: 'W', statusText: '' })).toMatchObject({
      verdict: 'warn',
      statusText: 'Warn',
    });
  });

  it('licenses: code or the legacy licenseId', () => {
    expect(
      parseLicense({
        code: 'MIT',
        title: 'MIT License',
        urls: ['https://spdx.org/licenses/MIT.html'],
        spdx: ['MIT'],
      }),
    ).toMatchObject({ code: 'MIT', spdx: ['MIT'] });
    expect(parseLicense({ licenseId: '0BSD', title: 'BSD Zero Clause License', allowed: true }).code).toBe(
      '0BSD',
    );
  });
});
