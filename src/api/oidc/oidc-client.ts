import * as oidc from 'openid-client';
import type { Role } from '../../db/schema/api-keys.js';
import { claimValues, mapRole } from './role-map.js';

/** Sign-in settings (weft-ops §15, from `WEFT_OIDC_*`). */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Default: `<request origin>/auth/callback`. */
  redirectUrl?: URL | undefined;
  /** Shown as "Sign in with <name>". */
  name: string;
  scopes: string;
  roleClaim: string;
  roleMap: Readonly<Record<string, Role>>;
}

/** What the browser keeps (in an HttpOnly cookie) between leaving for the provider and coming back. */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  /** A path of the dashboard to land on. */
  returnTo: string;
}

/** A verified sign-in: who, and the role their claim maps to. */
export interface VerifiedLogin {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  claimRole: Role | null;
}

/** Plain HTTP is allowed only to a provider on this machine (tests, local Dex). */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/**
 * The relying party, through `openid-client`: authorization code flow with
 * PKCE (S256), state and nonce; the ID token's signature checked against the
 * provider's keys (not only trusted for arriving over TLS) and its claims
 * (iss, aud, exp, iat, nonce) verified. Discovery happens at the first
 * sign-in and is retried after a failure, so the API starts while the
 * provider is down.
 */
export class OidcClient {
  private config: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  private configuration(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    this.config ??= oidc
      .discovery(issuer, clientId, undefined, oidc.ClientSecretPost(clientSecret), isLoopback(issuer) && issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .then((config) => {
        oidc.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((err: unknown) => {
        this.config = undefined;
        throw err;
      });
    return this.config;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async start(redirectUri: string, returnTo: string): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const pending: PendingLogin = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Finishes a sign-in from the provider's redirect (`callbackUrl`, with its
   * query): checks the state, redeems the code with the verifier, verifies the
   * ID token, and reads the role claim from it, or from userinfo when the
   * provider keeps it there.
   * @throws the library's error for any failed check (wrong state or nonce, bad signature, expired token, provider error).
   */
  async finish(callbackUrl: URL, redirectUri: string, pending: PendingLogin): Promise<VerifiedLogin> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true },
      { redirect_uri: redirectUri },
    );
    const claims = tokens.claims()!;
    let roleClaim: unknown = claims[this.settings.roleClaim];
    let profile: Record<string, unknown> = claims;
    if (roleClaim === undefined || claims.email === undefined) {
      profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      roleClaim = profile[this.settings.roleClaim];
    }
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: text(profile.email),
      name: text(profile.name) ?? text(profile.preferred_username),
      claimRole: mapRole(claimValues(roleClaim), this.settings.roleMap),
    };
  }

  /** The provider's RP-initiated logout URL, or null when it offers none. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | null> {
    const config = await this.configuration();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, { client_id: this.settings.clientId, post_logout_redirect_uri: postLogoutRedirectUri });
  }
}
