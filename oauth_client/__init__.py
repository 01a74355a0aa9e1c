"""The OAuth 2.0 client the project's products share: the conformance suite (which
drives servers with it), the playground (which shows what it does) and the
client checks (whose own client must pass them).

  config.py   what a client knows of its registration (ClientConfig)
  client.py   the flows: authorization request with PKCE, code exchange, refresh,
              revocation, introspection, resource calls (RFC 6749, 7636, 7009, 7662, 6750)
  http.py     a requests session that records every exchange
  masking.py  secrets and tokens shown masked, never whole
  entropy.py  how many bits a random-looking string can carry (the suite judges a
              server's tokens with it, the client checks a client's `state`)
"""
