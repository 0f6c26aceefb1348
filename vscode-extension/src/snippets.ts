// GitHub workflow steps for this project's action, prefilled for a package, for "Copy Workflow Snippet".

export const ACTION_REPO = 'proget-ci/proget-ci';

export interface SnippetTarget {
  server: string;
  feed: string;
  group: string;
  name: string;
  version?: string;
}

/** A GitHub Actions expression, `${{ … }}`. */
const gh = (expression: string) => `$\{{ ${expression} }}`;

/** YAML scalars from ProGet names: quoted when they could be read as something else. */
function yamlValue(value: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(value) && !/^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+)$/i.test(value)
    ? value
    : `'${value.replace(/'/g, "''")}'`;
}

export function publishSnippet(t: SnippetTarget): string {
  const lines = [
    `- name: Publish ${t.group ? `${t.group}/` : ''}${t.name} to ProGet`,
    `  uses: ${ACTION_REPO}/action/publish@v1`,
    '  with:',
    `    server: ${yamlValue(t.server)}`,
    `    api-key: ${gh('secrets.PROGET_API_KEY')}`,
    `    feed: ${yamlValue(t.feed)}`,
    ...(t.group ? [`    group: ${yamlValue(t.group)}`] : []),
    `    name: ${yamlValue(t.name)}`,
    `    version: ${gh("github.ref_type == 'tag' && github.ref_name || format('0.0.0-ci.{0}', github.run_number)")}`,
    '    path: dist/',
  ];
  return `${lines.join('\n')}\n`;
}

export function promoteCheckSnippet(t: SnippetTarget & { toFeed?: string }): string {
  const lines = [
    `- name: Check ${t.group ? `${t.group}/` : ''}${t.name} was promoted`,
    `  uses: ${ACTION_REPO}/action/promote-check@v1`,
    '  with:',
    `    server: ${yamlValue(t.server)}`,
    `    api-key: ${gh('secrets.PROGET_API_KEY')}`,
    `    from-feed: ${yamlValue(t.feed)}`,
    `    to-feed: ${yamlValue(t.toFeed ?? 'approved-feed')}`,
    ...(t.group ? [`    group: ${yamlValue(t.group)}`] : []),
    `    package: ${yamlValue(t.name)}`,
    `    version: ${yamlValue(t.version ?? '1.0.0')}`,
  ];
  return `${lines.join('\n')}\n`;
}
