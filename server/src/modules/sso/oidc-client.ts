import * as client from 'openid-client';
import type { OidcSettings } from '../../app/config.js';

/** What a verified ID token says about the person (claims as the identity provider sent them). */
export type IdTokenClaims = Record<string, unknown> & { iss: string; sub: string };

/** The secrets of one redirect to the identity provider, all derived from its state (see SsoLoginStates). */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * The relying party's side of OpenID Connect through openid-client: discovery (once, retried
 * after a failure), the authorization URL with PKCE S256, and the code exchange whose ID token is
 * checked for signature (the provider's JWKS), issuer, audience, expiry and nonce.
 */
export class OidcClient {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcSettings,
    readonly redirectUri: string,
  ) {}

  private config(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = null;
      throw error;
    });
    return this.configuration;
  }

  private discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const execute = [
      // The token endpoint's answer is trusted no more than a front-channel one: the ID token's
      // signature is checked against the provider's keys (openid-client skips that by default).
      client.enableNonRepudiationChecks,
      // Config allows http:// issuers only outside production (local identity providers, tests).
      ...(new URL(issuer).protocol === 'http:' ? [client.allowInsecureRequests] : []),
    ];
    return client.discovery(new URL(issuer), clientId, clientSecret, clientSecret ? client.ClientSecretPost(clientSecret) : client.None(), {
      execute,
      timeout: 10,
    });
  }

  async authorizationUrl(checks: AuthorizationChecks): Promise<URL> {
    return client.buildAuthorizationUrl(await this.config(), {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /** Trades the code for tokens; throws unless the ID token is valid and carries the expected nonce. */
  async exchange(callbackUrl: URL, checks: AuthorizationChecks): Promise<IdTokenClaims> {
    const tokens = await client.authorizationCodeGrant(await this.config(), callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('The identity provider sent no ID token.');
    return claims as IdTokenClaims;
  }
}
