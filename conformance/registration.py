"""Registering clients of the suite's own at the server (RFC 7591 §3.1) and removing them
afterwards (RFC 7592 §2.3, where the server offers it): the steps the registration checks share.

A registration is a side effect on the server under test, so every client registered here is
deleted again when its check ends, if the server offers RFC 7592 management. Secrets and
registration access tokens in the answers are masked in every report.
"""

import requests

from oauth_client.masking import Masker

from .discovery import Server
from .expect import describe, json_object
from .fixes import REDIRECT_URI
from .outcomes import Unverifiable, not_advertised, not_configured, target_line

JSON = {"Content-Type": "application/json"}
# RFC7591-3.2.1 / RFC7592-2.2 MUST NOT be sent in an update: the server's own fields.
SERVER_FIELDS = (
    "registration_access_token",
    "registration_client_uri",
    "client_secret_expires_at",
    "client_id_issued_at",
)
REGISTERED = "the registration's own"  # manage(token=REGISTERED): the registration access token
CONFIDENTIAL_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt")


def confidential_client(**extra) -> dict:
    """A web application with a secret, for the code grant (RFC 7591 §2's defaults spelt out)."""
    return {
        "client_name": "oauth-conformance confidential",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        **extra,
    }


def public_client(**extra) -> dict:
    """A native app without a secret (RFC 8252), for the code grant with PKCE."""
    return confidential_client(
        client_name="oauth-conformance public",
        application_type="native",
        token_endpoint_auth_method="none",
        **extra,
    )


def endpoint(server: Server) -> str:
    url = (server.metadata or {}).get("registration_endpoint")
    if not isinstance(url, str) or not url:
        not_advertised("no registration_endpoint")
    return url


class Registrar:
    """Registers clients at `server` for one check, and deletes them all at the end (`close`)."""

    def __init__(self, server: Server, http: requests.Session, masker: Masker):
        self.server, self.http, self.masker = server, http, masker
        self.made: list[dict] = []  # the latest client information of each client registered

    def post(self, document: dict) -> requests.Response:
        """The raw answer to a registration request (RFC 7591 §3.1)."""
        headers = dict(JSON)
        token = self.server.config.initial_access_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.post(endpoint(self.server), json=document, headers=headers)
        if response.status_code == 401 and not token:
            not_configured(
                "the registration endpoint asks for an initial access token (RFC 7591 §3)",
                target_line("server", initial_access_token_env="<a variable holding an initial access token>"),
            )
        if response.status_code == 429:
            raise Unverifiable("the registration endpoint refused more registrations from this address (HTTP 429)")
        body = json_object(response)
        if body is not None and "client_id" in body:
            self.remember(body)
        return response

    def register(self, document: dict) -> dict:
        """A registration the check builds on: its client information, else the check cannot run."""
        response = self.post(document)
        body = json_object(response)
        if (body or {}).get("error") == "invalid_redirect_uri" and document.get("application_type") != "native":
            # A server may keep http loopback redirect URIs to native apps (RFC 8252 §7.3, §8.3).
            response = self.post({**document, "application_type": "native"})
            body = json_object(response)
        if response.status_code not in (200, 201) or body is None or not body.get("client_id"):
            raise Unverifiable(f"the registration was refused: {describe(response)}")
        return body

    def remember(self, body: dict) -> None:
        for name in ("client_secret", "registration_access_token"):
            if isinstance(body.get(name), str):
                self.masker.add(body[name])
        for made in self.made:
            if made.get("client_id") == body.get("client_id"):
                made.update(body)  # RFC 7592 §3: a read or update may hand out a new access token
                return
        self.made.append(dict(body))

    def manage(self, method: str, body: dict, token: str | None = REGISTERED, **kwargs) -> requests.Response:
        """A request to the client configuration endpoint (RFC 7592 §2) with the registration access
        token (REGISTERED), another one, or none (None)."""
        if token is REGISTERED:
            token = body.get("registration_access_token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, body["registration_client_uri"], headers=headers, **kwargs)
        answer = json_object(response)
        if response.status_code == 200 and answer is not None and answer.get("client_id") == body.get("client_id"):
            self.remember(answer)
        return response

    def close(self) -> None:
        """Delete every client registered here that can be deleted (best effort)."""
        for body in self.made:
            if body.get("registration_client_uri") and body.get("registration_access_token"):
                try:
                    self.manage("DELETE", body)
                except requests.RequestException:
                    pass


def update_of(body: dict, **changes) -> dict:
    """RFC7592-2.2: an update sends every field as returned, without the server's own, changed by `changes`."""
    return {**{k: v for k, v in body.items() if k not in SERVER_FIELDS}, **changes}
