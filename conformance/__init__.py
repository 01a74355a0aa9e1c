"""oauth-conformance: a black-box conformance suite for any OAuth 2.0 authorization server.

It talks to the server over HTTP only, requirement by requirement: each check
is named after one requirement of an RFC (`requirements.py`), carries its level
(MUST / SHOULD / MAY) and is skipped, never failed, when the server does not
advertise the feature it tests.

    oauth-conformance init target.toml     # a commented target file to fill in
    oauth-conformance run target.toml      # run the checks, print a summary
    oauth-conformance list                 # every check with its RFC section and level

The engine is pytest (`plugin.py`); the OAuth client the checks use is
`client.py`, reusable on its own.
"""

__version__ = "0.1.0"
