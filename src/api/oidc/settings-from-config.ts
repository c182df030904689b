import type { Config } from '../../config.js';
import type { SessionOptions } from '../sessions/session-auth.js';
import type { OidcSettings } from './oidc-client.js';

/** The sign-in settings of `WEFT_OIDC_*` and `WEFT_SESSION_*` (the config has checked that issuer, client id and secret come together). */
export function signInFromConfig(config: Config): { oidc?: OidcSettings; sessions: SessionOptions } {
  const sessions: SessionOptions = { lifetimes: { idleMs: config.WEFT_SESSION_IDLE_MINUTES * 60_000, maxMs: config.WEFT_SESSION_MAX_HOURS * 3_600_000 } };
  const { WEFT_OIDC_ISSUER: issuer, WEFT_OIDC_CLIENT_ID: clientId, WEFT_OIDC_CLIENT_SECRET: clientSecret } = config;
  if (!issuer || !clientId || !clientSecret) return { sessions };
  const issuerUrl = new URL(issuer);
  return {
    sessions,
    oidc: {
      issuer: issuerUrl,
      clientId,
      clientSecret,
      redirectUrl: config.WEFT_OIDC_REDIRECT_URL ? new URL(config.WEFT_OIDC_REDIRECT_URL) : undefined,
      name: config.WEFT_OIDC_NAME ?? issuerUrl.host,
      scopes: config.WEFT_OIDC_SCOPES,
      roleClaim: config.WEFT_OIDC_ROLE_CLAIM,
      roleMap: config.WEFT_OIDC_ROLE_MAP,
    },
  };
}
