// What the status-bar item says about every server's health: text, colour, Markdown tooltip, and the
// connectors to offer on click. Pure, so every state is unit-tested without VS Code.

import type { ConnectorHealth, InstanceHealth } from '@proget-ci/core';
import { escapeMarkdown, formatAgo, formatDate } from '../format.js';
import type { ServerRef } from '../tree/model.js';
import type { ServerHealth } from './check.js';

export interface ServerHealthState {
  server: ServerRef;
  health?: ServerHealth;
  checking: boolean;
}

export interface StatusPresentation {
  visible: boolean;
  text: string;
  background?: 'error' | 'warning';
  /** Markdown source of the tooltip. */
  tooltip: string;
}

export interface HealthCounts {
  total: number;
  healthy: number;
  failing: number;
  unknown: number;
  unreachable: number;
  /** Servers that answered the health check with an error. */
  erroring: number;
  denied: number;
  /** Servers that only report instance health (ProGet 2024+). */
  instanceOnly: number;
  instanceUnhealthy: number;
  pending: number;
}

export function countHealth(states: readonly ServerHealthState[]): HealthCounts {
  const c: HealthCounts = {
    total: 0,
    healthy: 0,
    failing: 0,
    unknown: 0,
    unreachable: 0,
    erroring: 0,
    denied: 0,
    instanceOnly: 0,
    instanceUnhealthy: 0,
    pending: 0,
  };
  for (const s of states) {
    const h = s.health;
    if (!h) {
      c.pending++;
      continue;
    }
    switch (h.kind) {
      case 'connectors':
        for (const con of h.connectors) {
          c.total++;
          if (con.state === 'healthy') c.healthy++;
          else if (con.state === 'error') c.failing++;
          else c.unknown++;
        }
        break;
      case 'instance':
        c.instanceOnly++;
        if (!h.instance.healthy) c.instanceUnhealthy++;
        break;
      case 'denied':
        c.denied++;
        break;
      case 'unreachable':
        c.unreachable++;
        break;
      case 'error':
        c.erroring++;
        break;
    }
  }
  return c;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function presentHealth(states: readonly ServerHealthState[], now: number): StatusPresentation {
  if (states.length === 0) return { visible: false, text: '', tooltip: '' };
  const c = countHealth(states);
  const checking = states.some((s) => s.checking);
  const counts = c.total > 0 ? ` ${c.healthy}/${c.total}` : '';

  let icon: string;
  let label: string;
  let background: StatusPresentation['background'];
  // Every kind of problem on every server is named, the worst first; the icon and colour are the worst's.
  const single = states.length === 1;
  const problems: string[] = [];
  if (c.failing > 0) problems.push(plural(c.failing, 'connector failing', 'connectors failing'));
  if (c.instanceUnhealthy > 0)
    problems.push(single ? 'ProGet unhealthy' : `${c.instanceUnhealthy} ProGet unhealthy`);
  if (c.erroring > 0)
    problems.push(
      single ? 'ProGet error' : `${plural(c.erroring, 'server', 'servers')} answered with an error`,
    );
  if (c.unreachable > 0)
    problems.push(
      single ? 'ProGet unreachable' : `${plural(c.unreachable, 'server', 'servers')} unreachable`,
    );
  if (c.pending === states.length) {
    icon = '$(sync~spin)';
    label = 'ProGet';
  } else if (c.failing > 0 || c.instanceUnhealthy > 0 || c.erroring > 0) {
    icon = c.failing > 0 || c.instanceUnhealthy > 0 ? '$(warning)' : '$(error)';
    label = problems.join(' · ');
    background = 'error';
  } else if (c.unreachable > 0) {
    icon = '$(debug-disconnect)';
    label =
      c.unreachable === states.length ? 'ProGet unreachable' : `ProGet${counts} · ${problems.join(' · ')}`;
    background = 'warning';
  } else if (c.unknown > 0 || c.denied > 0 || c.pending > 0) {
    icon = '$(question)';
    label = `ProGet${counts}`;
  } else {
    icon = '$(pass)';
    label = `ProGet${counts}`;
  }
  // A running check shows a spinner in place of the icon but keeps what the last check said.
  const text = `${checking ? '$(sync~spin)' : icon} ${label}`;
  return { visible: true, text, background, tooltip: healthTooltip(states, now) };
}

const STATE_ICON: Record<string, string> = {
  healthy: '$(pass)',
  error: '$(error)',
  unknown: '$(question)',
};

export function healthTooltip(states: readonly ServerHealthState[], now: number): string {
  const parts: string[] = [];
  for (const s of states) {
    const h = s.health;
    parts.push(`**${escapeMarkdown(s.server.name)}** — ${escapeMarkdown(s.server.url)}`);
    if (!h) {
      parts.push(s.checking ? '$(sync~spin) Checking…' : 'Not checked yet.');
      continue;
    }
    switch (h.kind) {
      case 'connectors':
        if (h.connectors.length === 0) {
          parts.push('No connectors configured.');
          break;
        }
        parts.push(
          [
            '| | Connector | State | Last checked | Error |',
            '|---|---|---|---|---|',
            ...sortConnectors(h.connectors).map(
              (con) =>
                `| ${STATE_ICON[con.state] ?? '$(question)'} | ${cell(con.name)} | ${cell(con.state)} | ${cell(
                  formatDate(con.lastChecked) ?? formatAgo(h.checkedAt, now),
                )} | ${cell(con.errorMessage ?? '')} |`,
            ),
          ].join('\n'),
        );
        break;
      case 'instance': {
        const i = h.instance;
        const version = h.version ? `ProGet ${escapeMarkdown(h.version)}` : 'This server';
        const reason = escapeMarkdown(h.reason.replace(/\.?$/, '.'));
        parts.push(`${version}: ${reason} Showing instance health instead.`);
        const rows = [
          ['Overall', i.healthy ? 'OK' : 'Unhealthy', ''],
          ['Database', i.databaseStatus ?? '—', i.databaseStatusDetails ?? ''],
          ['License', i.licenseStatus ?? '—', i.licenseStatusDetail ?? ''],
          ['Service', i.serviceStatus ?? '—', i.serviceStatusDetail ?? ''],
        ];
        parts.push(
          [
            '| Check | Status | Detail |',
            '|---|---|---|',
            ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
          ].join('\n'),
        );
        break;
      }
      case 'denied':
        parts.push(`$(key) Connector health is not visible with this API key: ${escapeMarkdown(h.message)}`);
        break;
      case 'unreachable':
        parts.push(`$(debug-disconnect) Unreachable (no answer): ${escapeMarkdown(h.message)}`);
        break;
      case 'error':
        parts.push(
          `$(error) Reachable, but answered with an error${h.status ? ` (HTTP ${h.status})` : ''}: ${escapeMarkdown(h.message)}`,
        );
        break;
    }
    parts.push(`_Checked ${formatAgo(h.checkedAt, now)}._`);
  }
  parts.push('Click to list connectors.');
  return parts.join('\n\n');
}

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ');
}

const STATE_ORDER: Record<string, number> = { error: 0, unknown: 1, healthy: 2 };

/** Failing first, then unknown, then healthy; by name within each. */
export function sortConnectors(connectors: readonly ConnectorHealth[]): ConnectorHealth[] {
  return [...connectors].sort(
    (a, b) => (STATE_ORDER[a.state] ?? 1) - (STATE_ORDER[b.state] ?? 1) || a.name.localeCompare(b.name),
  );
}

/** What an unhealthy instance reports as wrong: each failing check with its detail. */
function instanceProblem(i: InstanceHealth): string {
  const checks: [string, string | undefined, string | undefined][] = [
    ['Database', i.databaseStatus, i.databaseStatusDetails],
    ['License', i.licenseStatus, i.licenseStatusDetail],
    ['Service', i.serviceStatus, i.serviceStatusDetail],
  ];
  const failing = checks
    .filter(([, status]) => status !== undefined && status.toUpperCase() !== 'OK')
    .map(([what, status, detail]) => `${what}: ${status}${detail ? ` — ${detail}` : ''}`);
  return failing.length ? failing.join('; ') : 'ProGet reports itself unhealthy';
}

const PICK_ICON = { unreachable: '$(debug-disconnect)', denied: '$(key)', error: '$(error)' } as const;
const PICK_TEXT = {
  unreachable: 'unreachable — check again',
  denied: 'API key cannot read connector health',
  error: 'answered with an error — check again',
} as const;

export interface ConnectorPick {
  label: string;
  description?: string;
  detail?: string;
  server: ServerRef;
  connector?: ConnectorHealth;
  /** Set for servers that could not be checked: choosing it checks again. */
  recheck?: boolean;
}

/** Quick-pick entries: every failing connector of every server first, then unknown, then healthy. */
export function connectorPicks(states: readonly ServerHealthState[]): ConnectorPick[] {
  const picks: { rank: number; pick: ConnectorPick }[] = [];
  const many = states.length > 1;
  for (const s of states) {
    const h = s.health;
    const where = many ? s.server.name : undefined;
    if (!h) continue;
    if (h.kind === 'connectors') {
      for (const con of h.connectors) {
        picks.push({
          rank: STATE_ORDER[con.state] ?? 1,
          pick: {
            label: `${STATE_ICON[con.state] ?? '$(question)'} ${con.name}`,
            description: [con.state, where].filter(Boolean).join(' · '),
            detail: con.errorMessage ?? con.url,
            server: s.server,
            connector: con,
          },
        });
      }
    } else if (h.kind === 'unreachable' || h.kind === 'denied' || h.kind === 'error') {
      picks.push({
        rank: 0,
        pick: {
          label: `${PICK_ICON[h.kind]} ${s.server.name}`,
          description: PICK_TEXT[h.kind],
          detail: h.message,
          server: s.server,
          recheck: true,
        },
      });
    } else {
      picks.push({
        rank: h.instance.healthy ? 2 : 0,
        pick: {
          label: `${h.instance.healthy ? '$(pass)' : '$(error)'} ${s.server.name}`,
          description: h.instance.healthy
            ? 'connector health not reported by this ProGet version'
            : 'unhealthy — instance health',
          detail: h.instance.healthy ? h.reason : instanceProblem(h.instance),
          server: s.server,
        },
      });
    }
  }
  return picks.sort((a, b) => a.rank - b.rank || a.pick.label.localeCompare(b.pick.label)).map((p) => p.pick);
}
