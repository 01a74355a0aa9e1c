// A pushed authorization request (RFC 9126) by a client that authenticates with
// private_key_jwt (RFC 7523 §2.2), as openid-client runs them, against the server named
// on the command line. Driven by spec_tests/serve/test_interop_openid_client_par.py:
//   node par_private_key_jwt.mjs ISSUER CLIENT_ID PRIVATE_JWK_FILE REDIRECT_URI SCOPE
// Prints one JSON line per step: the authorization URL its PAR request gave, then (after
// reading the callback URL from standard input) the tokens of the code exchange.
import { readFileSync } from 'node:fs'
import * as readline from 'node:readline'
import * as client from 'openid-client'

const [issuer, clientId, jwkFile, redirectUri, scope] = process.argv.slice(2)
const say = (step, fields) => console.log(JSON.stringify({ step, ...fields }))

const jwk = JSON.parse(readFileSync(jwkFile, 'utf8'))
const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
const config = await client.discovery(new URL(issuer), clientId, undefined, client.PrivateKeyJwt({ key, kid: jwk.kid }), {
  algorithm: 'oauth2',
  execute: [client.allowInsecureRequests],
})
const verifier = client.randomPKCECodeVerifier()
const state = client.randomState()
const url = await client.buildAuthorizationUrlWithPAR(config, {
  redirect_uri: redirectUri,
  scope,
  state,
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
})
say('authorization_url', { url: url.href })

const lines = readline.createInterface({ input: process.stdin })
const callback = await new Promise((resolve) => lines.once('line', resolve))
lines.close()
const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedState: state,
})
say('tokens', { access_token: tokens.access_token, token_type: tokens.token_type, scope: tokens.scope })
