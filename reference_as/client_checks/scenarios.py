"""The scenarios a client can be checked under, and the traps each springs.

- `basic`: observe only; nothing the client receives differs from normal service.
- `seed`: the promises of seed 000 that the server can put to the test: a changed
  `state` in the authorization response (the seed's "Invalid OAuth state"), and
  one 401 `invalid_token` from the resource for a valid token (the seed: "the plugin
  will attempt to refresh the token and retry the request once"), and access tokens
  announced short-lived (the seed: "refreshes the access token ... before it expires").
- `security`: the traps a careful client survives: an authorization response
  naming another issuer (a mix-up, RFC 9207 §2.4), then one whose `state`
  differs from the one sent (RFC 6749 §10.12).
- `full`: every trap.
The authorization traps are sprung one per authorization response, in the order
listed, on the responses that carry a code; the resource trap on the first resource
call whose token is valid; the short life on every token response. After that the
client is served normally.
"""

ISS = "iss"  # RFC 9207 §2.4: the response names another issuer
STATE = "state"  # RFC 6749 §10.12: the response's state is not the one sent
REFUSED_ONCE = "401"  # seed 000: one 401 invalid_token for a valid access token
SHORT_LIVED = "short"  # seed 000: access tokens announced with a short life, refused past it
AUTHORIZATION_TRAPS = (ISS, STATE)

TRAPS = {
    "basic": (),
    "seed": (STATE, REFUSED_ONCE, SHORT_LIVED),
    "security": (ISS, STATE),
    "full": (ISS, STATE, REFUSED_ONCE, SHORT_LIVED),
}
SCENARIOS = tuple(TRAPS)
DEFAULT = "basic"
