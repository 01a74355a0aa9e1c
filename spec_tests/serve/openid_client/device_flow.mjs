// The device authorization grant (RFC 8628) as openid-client runs it, against the server
// named on the command line. Driven by spec_tests/serve/test_interop_openid_client_device.py:
//   node device_flow.mjs ISSUER CLIENT_ID SCOPE
// Prints one JSON line per step on stdout: what the device shows the person (never the
// device code), then the tokens the library's own polling got, then its refresh.
import * as client from 'openid-client'

const [issuer, clientId, scope] = process.argv.slice(2)
const say = (step, fields) => console.log(JSON.stringify({ step, ...fields }))

// RFC 8414 metadata at /.well-known/oauth-authorization-server; a public client (none);
// plain http is allowed because the test server is on loopback.
const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
  algorithm: 'oauth2',
  execute: [client.allowInsecureRequests],
})
const device = await client.initiateDeviceAuthorization(config, { scope })
say('device_authorization', {
  user_code: device.user_code,
  verification_uri: device.verification_uri,
  verification_uri_complete: device.verification_uri_complete,
  expires_in: device.expires_in,
  interval: device.interval,
})
const tokens = await client.pollDeviceAuthorizationGrant(config, device)
say('tokens', { access_token: tokens.access_token, refresh_token: tokens.refresh_token, token_type: tokens.token_type, scope: tokens.scope })
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
say('refreshed', { access_token: refreshed.access_token, refresh_token: refreshed.refresh_token })
