// oidc-provider (panva, https://github.com/panva/node-oidc-provider), set up as the
// independent server the conformance suite is run against (conformance/tests/test_oidc_provider.py).
// It is configured the way its documentation describes, with nothing patched: where it
// differs from the RFCs, the suite says so (FINDINGS.md).
//
//   node server.mjs PORT
//   secrets from the environment: PEER_SECRET_CONFIDENTIAL, PEER_SECRET_SECOND, PEER_SECRET_JWT
//
// Started by __init__.py (`python -m conformance.peers.oidc_provider` runs it by hand and
// writes the target files). Listens on 127.0.0.1 only; everything lives in memory.
//
// What is on:
//   - the authorization code grant with PKCE (required of public clients, oidc-provider's default),
//     refresh tokens (issued to every client allowed the refresh_token grant; rotated for
//     public clients, oidc-provider's default), the client credentials grant;
//   - token revocation (RFC 7009) and introspection (RFC 7662);
//   - dynamic client registration (RFC 7591), open to anyone (no initial access token), and its
//     management (RFC 7592: read, update, delete with the registration access token);
//   - resource indicators (RFC 8707): every access token is for one API, RESOURCE, whose scopes
//     are `api:read api:write`. Its tokens are opaque, except those of the client
//     `conformance-jwt`, which are RFC 9068 JWTs (oidc-provider neither introspects nor revokes
//     JWT access tokens, so the JWT profile is checked with a client of its own);
//   - the device authorization grant (RFC 8628, deviceFlow) for the confidential clients, with
//     oidc-provider's own user code and confirmation pages;
//   - devInteractions, oidc-provider's built-in sign-in and consent pages (any login, any
//     password), which the suite's `form` driver fills in.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.mjs PORT');
  process.exit(2);
}

const secret = (name) => {
  const value = process.env[`PEER_SECRET_${name}`];
  if (!value) {
    console.error(`PEER_SECRET_${name} is not set`);
    process.exit(2);
  }
  return value;
};

const issuer = `http://127.0.0.1:${port}`;
const RESOURCE = `${issuer}/api`;
const API_SCOPES = 'api:read api:write';
const REDIRECT_URI = 'http://127.0.0.1:8001/callback';
const PUBLIC_REDIRECT_URI = `${REDIRECT_URI}?app=conformance`; // a registered query, kept (RFC 6749 §3.1.2)
const CODE_AND_REFRESH = ['authorization_code', 'refresh_token'];
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

const clients = [
  {
    client_id: 'conformance-confidential',
    client_secret: secret('CONFIDENTIAL'),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [...CODE_AND_REFRESH, 'client_credentials', DEVICE_CODE],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
  {
    // the second confidential client, for cross-client checks; not allowed client credentials
    client_id: 'conformance-second',
    client_secret: secret('SECOND'),
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: [...CODE_AND_REFRESH, DEVICE_CODE],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
  {
    // a native app (RFC 8252): public, and its loopback redirect URI may use any port
    client_id: 'conformance-public',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: CODE_AND_REFRESH,
    response_types: ['code'],
    redirect_uris: [PUBLIC_REDIRECT_URI],
  },
  {
    // the confidential client of the second target file: its access tokens are JWTs
    client_id: 'conformance-jwt',
    client_secret: secret('JWT'),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [...CODE_AND_REFRESH, 'client_credentials', DEVICE_CODE],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
  {
    // -- issue 24: a client of private_key_jwt (RFC 7523), the public half of the key the suite signs with
    client_id: 'conformance-assertion',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [JSON.parse(process.env.PEER_ASSERTION_JWK)] },
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
];

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...signingKey, kid: 'conformance-peer', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    // the device authorization grant (RFC 8628), its default pages at /device
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    registration: { enabled: true },
    registrationManagement: { enabled: true },
    // -- issue 24: pushed authorization requests (RFC 9126) and DPoP (RFC 9449)
    pushedAuthorizationRequests: { enabled: true },
    dPoP: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // a request that names no resource is for the API when it asks for an API scope; an OpenID
      // Connect sign-in that asks for none gets an access token for UserInfo (oidc-provider's own default)
      defaultResource: (ctx, client, oneOf) => {
        if (oneOf) return oneOf;
        const scope = String(ctx.oidc.params?.scope ?? '');
        return !ctx.oidc.params?.scope || scope.split(' ').some((s) => s.startsWith('api:')) ? RESOURCE : undefined;
      },
      // the token endpoint may leave out the resource the grant was for
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator, client) => {
        if (resourceIndicator !== RESOURCE) {
          throw new errors.InvalidTarget();
        }
        const jwt = client.clientId === 'conformance-jwt';
        return {
          scope: API_SCOPES,
          audience: RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: jwt ? 'jwt' : 'opaque',
          ...(jwt ? { jwt: { sign: { alg: 'RS256' } } } : {}),
        };
      },
    },
  },
  // oidc-provider's default issues refresh tokens only for the OpenID `offline_access` scope;
  // for plain OAuth 2.0, every client allowed the refresh_token grant gets one.
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
