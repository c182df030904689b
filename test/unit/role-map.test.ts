import { describe, expect, it } from 'vitest';
import { claimValues, mapRole } from '../../src/api/oidc/role-map.js';
import { loadConfig } from '../../src/config.js';

describe('role mapping from a claim (weft-ops §15)', () => {
  const map = { 'weft-viewers': 'viewer', 'weft-ops': 'operator', 'weft-admins': 'admin' } as const;

  it('takes the highest mapped role, and none when no value maps', () => {
    expect(mapRole(['staff', 'weft-viewers', 'weft-admins', 'weft-ops'], map)).toBe('admin');
    expect(mapRole(['weft-ops', 'weft-viewers'], map)).toBe('operator');
    expect(mapRole(['staff', 'toString', '__proto__'], map)).toBeNull();
    expect(mapRole([], map)).toBeNull();
  });

  it('reads a list, a single value, or nothing', () => {
    expect(claimValues(['a', 3, 'b'])).toEqual(['a', 'b']);
    expect(claimValues('a')).toEqual(['a']);
    expect(claimValues(undefined)).toEqual([]);
    expect(claimValues({ a: 1 })).toEqual([]);
  });

  it('checks the settings: a role map of roles only, and issuer, client id and secret together', () => {
    expect(loadConfig({ WEFT_OIDC_ROLE_MAP: '{"g": "admin"}' }).WEFT_OIDC_ROLE_MAP).toEqual({ g: 'admin' });
    expect(() => loadConfig({ WEFT_OIDC_ROLE_MAP: '{"g": "root"}' })).toThrow(/WEFT_OIDC_ROLE_MAP/);
    expect(() => loadConfig({ WEFT_OIDC_ROLE_MAP: 'not json' })).toThrow(/WEFT_OIDC_ROLE_MAP/);
    expect(() => loadConfig({ WEFT_OIDC_ISSUER: 'https://idp.example' })).toThrow(/WEFT_OIDC_CLIENT_ID.*\n.*WEFT_OIDC_CLIENT_SECRET/);
    const full = loadConfig({ WEFT_OIDC_ISSUER: 'https://idp.example', WEFT_OIDC_CLIENT_ID: 'weft', WEFT_OIDC_CLIENT_SECRET: 's' });
    expect(full.WEFT_OIDC_ROLE_CLAIM).toBe('groups');
    expect(full.WEFT_SESSION_IDLE_MINUTES).toBe(30);
  });
});
