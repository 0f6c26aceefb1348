// Markdown for job summaries. Server text (comments, user names) is escaped so it cannot break a table
// or inject HTML.

export function cell(value: string | number | undefined): string {
  if (value === undefined || value === '') return '';
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

export function code(value: string | undefined): string {
  return value ? `<code>${cell(value)}</code>` : '';
}

const URL_BREAKERS: Record<string, string> = {
  '(': '%28',
  ')': '%29',
  ' ': '%20',
  '\t': '%09',
  '\n': '%0A',
  '\r': '%0D',
};

export function link(text: string, url: string | undefined): string {
  if (!url) return cell(text);
  return `[${cell(text).replace(/[[\]]/g, '\\$&')}](${url.replace(/[()\s]/g, (c) => URL_BREAKERS[c] ?? encodeURIComponent(c))})`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function formatBytes(size: number | undefined): string {
  if (size === undefined) return '';
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${size.toLocaleString('en-US')} bytes)`;
}
