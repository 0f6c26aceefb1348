// X-ProGet-Version / X-ProGet-Edition read leniently (api-notes §1), and /health's plain-text answers (§6).

import { describe, expect, it } from 'vitest';
import {
  describeServer,
  healthFromText,
  mayIgnoreMissingGroup,
  parseEdition,
  parseServerVersion,
} from '../src/index.js';

describe('parseServerVersion', () => {
  it.each([
    ['26.0.12.24', 2026, '2026.12', [26, 0, 12, 24]],
    ['24.0.3', 2024, '2024.3', [24, 0, 3]],
    ['23.0.22.6', 2023, '2023.22', [23, 0, 22, 6]],
    ['2024.3', 2024, '2024.3', [2024, 3]],
    ['v26.0.12.24-rc', 2026, '2026.12', [26, 0, 12, 24]],
    ['6.0.19.1', undefined, '6.0.19', [6, 0, 19, 1]],
  ] as const)('%s → year %s, release %s', (text, year, release, parts) => {
    expect(parseServerVersion(text)).toEqual({ text, year, release, parts });
  });

  it('nothing readable is undefined', () => {
    expect(parseServerVersion(undefined)).toBeUndefined();
    expect(parseServerVersion('unknown')).toBeUndefined();
  });
});

describe('editions and the server description', () => {
  it('any case, surrounding spaces; unknown or missing is undefined', () => {
    expect(parseEdition('free')).toBe('Free');
    expect(parseEdition(' ENTERPRISE ')).toBe('Enterprise');
    expect(parseEdition('Basic')).toBe('Basic');
    expect(parseEdition('trial')).toBeUndefined();
    expect(parseEdition(undefined)).toBeUndefined();
  });

  it('a display line for banners', () => {
    expect(describeServer({ version: '26.0.12.24', edition: 'free' }).display).toBe('ProGet 2026.12 (Free)');
    expect(describeServer({ version: '6.0.19.1' }).display).toBe('ProGet 6.0.19.1');
    expect(describeServer({}).display).toBe('ProGet (version not reported)');
  });

  it('a missing group may be ignored by 2023 and by servers whose version is unknown', () => {
    expect(mayIgnoreMissingGroup({ version: '23.0.28.5' })).toBe(true);
    expect(mayIgnoreMissingGroup({})).toBe(true);
    expect(mayIgnoreMissingGroup({ version: '24.0.39.3' })).toBe(false);
    expect(mayIgnoreMissingGroup({ version: '26.0.12.24' })).toBe(false);
  });
});

describe('healthFromText', () => {
  it('OK is healthy; an error is placed where it belongs', () => {
    expect(healthFromText(200, 'OK\n')).toEqual({ healthy: true });
    expect(healthFromText(500, 'ERROR: Product license is not valid')).toEqual({
      healthy: false,
      licenseStatus: 'Error',
      licenseStatusDetail: 'Product license is not valid',
    });
    expect(healthFromText(500, 'ERROR: Database connection failed')).toMatchObject({
      healthy: false,
      databaseStatus: 'Error',
    });
    expect(healthFromText(500, 'ERROR: Service stopped')).toEqual({
      healthy: false,
      serviceStatus: 'Error',
      serviceStatusDetail: 'HTTP 500: Service stopped',
    });
    expect(healthFromText(200, '<html>login</html>', true)).toMatchObject({
      healthy: false,
      serviceStatus: 'Error',
    });
  });
});
