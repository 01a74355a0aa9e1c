"""Before any check: does the server answer, and does each configured client
authenticate? If not, the run stops with one message naming the field to fix,
instead of a hundred errors that all say the same thing.

- the metadata URL answers 200 with a JSON object (when one is given);
- the token endpoint answers;
- each client is known to the server and, if confidential, its credentials
  are accepted: a token request for a code the server never issued
  (`authorization_code`, or `refresh_token` for a client without that grant)
  must fail with `invalid_grant` or another error, but not `invalid_client`
  (RFC 6749 §5.2: client authentication failed). A client allowed only
  `client_credentials` is asked for a token, which it gets. A confidential
  client refused by its `auth_method` is tried with the other one: if that
  works, its credentials are right and the server's refusal is for a check to
  report (HTTP Basic is a MUST), not a reason to stop.
A secret left as the placeholder `oauth-conformance init` writes is named as such.
"""

import requests

from oauth_client.client import OAuthClient, pkce_pair
from oauth_client.config import ClientConfig

from .discovery import Endpoints, failure, fetch_metadata
from .expect import describe, json_object
from .outcomes import Unverifiable
from .target import AUTH_METHODS, PLACEHOLDER_SECRETS, Target

NEVER_ISSUED = "conformance-preflight-never-issued"


class PreflightError(Exception):
    """The run cannot start; the message names the target file's field to fix."""


def run(target: Target, session: requests.Session) -> None:
    where = target.path
    try:
        metadata = fetch_metadata(target.server, session)
    except Unverifiable as error:
        raise PreflightError(
            f"{where}: server.metadata_url: {error} (is the server running, is the URL right?)"
        ) from None
    endpoints = Endpoints.from_metadata(metadata or {})
    token = target.server.endpoints.get("token_endpoint") or endpoints.token
    if not token:
        return  # the checks that need a token endpoint are skipped, with the reason
    for config in target.clients.values():
        _authenticates(where, config, OAuthClient(config, Endpoints(token=token), session))


def _probe(client: OAuthClient) -> dict:
    config = client.config
    if "authorization_code" in config.grant_types or config.is_public:
        verifier, _ = pkce_pair()
        params = {"grant_type": "authorization_code", "code": NEVER_ISSUED, "code_verifier": verifier}
        if config.redirect_uri:
            params["redirect_uri"] = config.redirect_uri
        return params
    if "refresh_token" in config.grant_types:
        return {"grant_type": "refresh_token", "refresh_token": NEVER_ISSUED}
    return {"grant_type": "client_credentials", **({"scope": config.scope} if config.scope else {})}


def _refused(response) -> bool:
    """RFC 6749 §5.2: failed client authentication is invalid_client (with 401 for HTTP auth)."""
    return (json_object(response) or {}).get("error") == "invalid_client" or response.status_code == 401


def _authenticates(where: str, config: ClientConfig, client: OAuthClient) -> None:
    """The client is known and (if confidential) authenticates, by its method or, failing that, by
    the other one: a server that refuses one method breaks a check, not the run."""
    field = f"{where}: clients.{config.role}"
    methods = [config.auth_method] + [m for m in AUTH_METHODS if m != config.auth_method and not config.is_public]
    try:
        answers = []
        for method in methods:
            response = client.token_request(_probe(client), auth_method=method)
            if not _refused(response):
                return
            answers.append(f"{method}: {describe(response)}")
    except requests.RequestException as error:
        raise PreflightError(
            f"{where}: the token endpoint {client.endpoints.token} does not answer ({failure(error)}): "
            "is the server running?"
        ) from None
    if config.client_secret in PLACEHOLDER_SECRETS:
        raise PreflightError(
            f"{field}.client_secret: still the placeholder of `oauth-conformance init`: "
            f"put the secret the server issued to {config.client_id!r}"
        )
    what = "is not known to the server" if config.is_public else "is refused (check client_id and client_secret)"
    raise PreflightError(
        f"{field}: the client {config.client_id!r} {what}: the token endpoint answered {'; '.join(answers)}"
    )
