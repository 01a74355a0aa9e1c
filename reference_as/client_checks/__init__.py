"""Client checks: the server grades the OAuth client in front of it (DESIGN.md "Client checks").

The mirror image of the conformance suite. A client is put under check with a
scenario (`reference-as clients check CLIENT_ID --scenario NAME`); from then on
the server records what that client does and, where the scenario says so,
misbehaves on purpose for that client alone. Every other client is served as before.

  scenarios.py  the scenarios and the traps each springs
  evidence.py   what is recorded of each request: flags, hashes, lengths, never a secret
  observe.py    the wrappers around the authorization, token and resource endpoints
  traps.py      how an authorization response is falsified for a trap (RFC 9207 §2.4, RFC 6749 §10.12)
  model.py      a check (id, source, MUST/SHOULD) and its verdicts
  checks/       one module per concern, each check judged from the evidence alone
  service.py    start, stop, grade (used by the CLI)
  report.py     the report: text, JSON, JUnit XML
"""
