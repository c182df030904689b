import { roleAllows } from '../access.js';
import type { Role } from '../../db/schema/api-keys.js';

/** A claim's values as strings: a list (`groups`), a single value, or nothing. */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The role a user's claim values map to through `WEFT_OIDC_ROLE_MAP`: the
 * highest of the mapped ones (someone in both `weft-viewers` and `weft-admins`
 * is an admin); null when none maps, which means no access.
 */
export function mapRole(values: readonly string[], roleMap: Readonly<Record<string, Role>>): Role | null {
  let best: Role | null = null;
  for (const value of values) {
    const role = Object.hasOwn(roleMap, value) ? roleMap[value]! : undefined;
    if (role && (!best || roleAllows(role, best))) best = role;
  }
  return best;
}
