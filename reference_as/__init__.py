"""reference-as: a standalone OAuth 2.0 Authorization Server that reads like the RFCs.

Start at `reference_as.app.make_app` (the WSGI application) and `reference_as.cli`
(the `reference-as` command). Protocol rules live in `reference_as.policy`, one
module per RFC topic; storage lives in `reference_as.store`.
"""
