"""The playground: a small OAuth client web app that walks through each flow, for learners.

`reference-as playground` serves it on loopback (default port 8001), pointed at
the reference server's metadata or at any server's. It is the client side of
seed 000 (a settings page, an Authorize button, the state checked on return, a
green "Authorized" label, secrets encrypted at rest, refresh before expiry, one
retry after a 401), built on the project's OAuth client library
(`oauth_client/client.py`) rather than a second one, and it shows every HTTP
exchange it makes with the RFC section that governs it.

  lessons.py     each kind of step: its title, RFC sections, and what it proves
  steps.py       a step: an exchange as text (the RFCs' example style), values redacted
  redact.py      how values are hidden: masked to 4 characters, or placeholders (docs)
  jwt_view.py    the access token decoded, its signature checked against the JWKS
  store.py       the store file: secrets and tokens sealed with AES-256-GCM
  walkthrough.py the flows, run through the OAuth client and recorded as steps
  app.py         the WSGI app (webob): the connection page, the callback, the buttons
  serve.py       gunicorn, one worker
  inprocess.py   a requests adapter to a WSGI app: no socket
  lab.py         the reference server and the playground in one process (docs, tests)
  docs.py        `python -m reference_as.playground.docs`: docs/*.md from a real run
"""
