// The node peer of the benchmark: oidc-provider (panva) issuing client credentials
// access tokens as RFC 9068 JWTs signed RS256, like ours.
//
// Usage: node oidc_provider.mjs PORT WORKERS CLIENT_ID CLIENT_SECRET
//   - one confidential client, client_credentials only, client_secret_basic;
//   - the Resource Indicators feature gives every token the audience <issuer>/api,
//     the scopes api:read api:write api:admin api:superuser, an hour to live and the
//     JWT format (oidc-provider's default format is opaque);
//   - its default in-memory adapter: a JWT access token is not stored (only opaque
//     ones are), where ours and the Authlib peer write a row per token;
//   - WORKERS > 1: node's cluster module forks that many processes sharing the port
//     (node runs JavaScript on one thread per process), all signing with one key
//     made by the primary.
// Listens on 127.0.0.1 only. Set up by bench/peers/__init__.py.
import cluster from 'node:cluster';
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const [port, workers, clientId, clientSecret] = process.argv.slice(2);
const count = Number(workers);

if (cluster.isPrimary && count > 1) {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  for (let i = 0; i < count; i += 1) {
    cluster.fork({ PEER_SIGNING_JWK: JSON.stringify(jwk) });
  }
  cluster.on('exit', (worker, code) => {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
    process.exitCode = 1;
  });
} else {
  const jwk = process.env.PEER_SIGNING_JWK
    ? JSON.parse(process.env.PEER_SIGNING_JWK)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const issuer = `http://127.0.0.1:${port}`;
  const audience = `${issuer}/api`;
  const scope = 'api:read api:write api:admin api:superuser';

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope,
    }],
    jwks: { keys: [{ ...jwk, kid: 'bench', alg: 'RS256', use: 'sig' }] },
    scopes: scope.split(' '),
    ttl: { ClientCredentials: 3600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        getResourceServerInfo: () => ({
          scope,
          audience,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.listen(Number(port), '127.0.0.1');
}
