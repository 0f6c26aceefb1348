// How bad values are shown inside problem sentences: quoted, and short enough to read in a log line.

const MAX_SHOWN = 80;

/** A JSON-quoted string, truncated when long. */
export function quote(value: string): string {
  return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
}

/** A value of unexpected type, described for "must be a string, got …" sentences. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A package (and version) as messages name it: `group/name 1.0.0`, or `name` for the empty group. */
export function describePackage(id: { group?: string; name: string; version?: string }): string {
  const name = id.group ? `${id.group}/${id.name}` : id.name;
  return id.version ? `${name} ${id.version}` : name;
}
