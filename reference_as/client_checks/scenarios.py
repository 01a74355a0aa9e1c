"""The scenarios a client can be checked under, and the traps each springs.

- `basic`: observe only; nothing the client receives differs from normal service.
- `seed`: the promises of seed 000 that the server can put to the test: a changed
  `state` in the authorization response (the seed's "Invalid OAuth state").
- `security`: the traps a careful client survives: an authorization response
  naming another issuer (a mix-up, RFC 9207 §2.4), then one whose `state`
  differs from the one sent (RFC 6749 §10.12).
- `full`: every trap.
Traps are sprung one per authorization response, in the order listed, on the
responses that carry a code; after the last one the client is served normally.
"""

ISS = "iss"  # RFC 9207 §2.4: the response names another issuer
STATE = "state"  # RFC 6749 §10.12: the response's state is not the one sent

TRAPS = {"basic": (), "seed": (STATE,), "security": (ISS, STATE), "full": (ISS, STATE)}
SCENARIOS = tuple(TRAPS)
DEFAULT = "basic"
