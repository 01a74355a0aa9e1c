"""RP-initiated logout, `GET,POST /oauth2/logout` (OpenID Connect RP-Initiated Logout 1.0).

A client sends the user here to sign out of this server as well. The steps:
  1. §2: `id_token_hint` (RECOMMENDED), if sent, MUST be an ID Token this
     server issued (`id_token_hints.py`; an expired one is accepted); a
     `client_id` sent beside it must be among its audiences.
  2. §3: `post_logout_redirect_uri`, if sent, MUST match exactly one the
     client registered (`clients … --post-logout-redirect-uri`); the client is
     the `client_id` or the hint's audience. Without either, no redirect is
     made: the target could not be checked.
  Anything wrong in 1-2 gets an error page, never a redirect (the same rule
  as RFC 6749 §4.1.2.1: a target that cannot be trusted is not followed).
  3. §2 SHOULD: the user is asked whether to sign out, on a page whose form
     carries the session's CSRF token; the answer "sign out" ends the session
     (their grants stay: a client that wants them gone revokes its tokens).
  4. §3: then, if a valid `post_logout_redirect_uri` was sent, the browser
     goes there with `state` unchanged; otherwise a page says it is done.
Nobody signed in: nothing to ask; step 4 at once.
"""

from oauthlib.common import add_params_to_uri
from webob import Request, Response

from ..config import Settings
from ..form import read_form
from ..id_token_hints import IdTokenHints, InvalidToken
from ..pages import page, redirect
from ..sessions import Sessions
from ..store import Store

# The confirmation form's own fields, and the request's that it carries on.
CARRIED = ("client_id", "post_logout_redirect_uri", "state")


class Refused(Exception):
    """The logout request cannot be followed; the message says why (shown to the user)."""


class EndSessionEndpoint:
    def __init__(self, store: Store, sessions: Sessions, settings: Settings, hints: IdTokenHints):
        self.store = store
        self.sessions = sessions
        self.settings = settings
        self.hints = hints

    def __call__(self, request: Request) -> Response:
        params = read_form(request, self.settings.max_body_bytes) if request.method == "POST" else dict(request.GET)
        try:
            client = self._client(params)
            target = self._target(params, client)
        except Refused as reason:
            return page(
                "error.html",
                400,
                heading="This sign-out request cannot be completed",
                message=str(reason),
                error="invalid_request",
                reference="OpenID Connect RP-Initiated Logout 1.0 §2-3",
                advice="You were not sent back to the application. You can sign out here: /logout.",
            )
        current, user = self.sessions.signed_in(request)
        answer = params.get("decision")
        if user is not None and answer is None:
            return self._confirmation(client, target, params, current, user)
        if user is not None:
            if not self.sessions.csrf_ok(current, params.get("csrf_token")):
                return page("error.html", 403, heading="Not signed out", message="The form expired; nothing changed.")
            if answer != "logout":
                return page("signed_out.html", signed_out=False, username=user.username)
        response = self._done(target, params.get("state"))
        if user is not None:
            self.sessions.end(current, response)
        return response

    def _client(self, params: dict):
        """Step 1: the client the request is about (None if it names none)."""
        client_id = params.get("client_id")
        if "id_token_hint" in params:
            try:
                hint = self.hints.read(params["id_token_hint"], client_id)
            except InvalidToken as reason:
                raise Refused(f"The id_token_hint is not usable: {reason}") from None
            client_id = client_id or (hint.audiences[0] if len(hint.audiences) == 1 else None)
        if client_id is None:
            return None
        client = self.store.get_client(client_id)
        if client is None:
            raise Refused("The client_id names no client of this server.")
        return client

    @staticmethod
    def _target(params: dict, client) -> str | None:
        """Step 2: the post_logout_redirect_uri, exactly as registered (None if none was sent)."""
        uri = params.get("post_logout_redirect_uri")
        if uri is None:
            return None
        if client is None:
            raise Refused("A post_logout_redirect_uri needs an id_token_hint or a client_id to be checked against.")
        if uri not in client.post_logout_redirect_uris:
            raise Refused("The post_logout_redirect_uri is not one the client registered.")
        return uri

    def _confirmation(self, client, target, params: dict, current, user) -> Response:
        carried = {"client_id": client.client_id if client else None, "post_logout_redirect_uri": target}
        carried["state"] = params.get("state")
        return page(
            "end_session.html",
            client_name=client.name if client else None,
            carried=[(name, carried[name]) for name in CARRIED if carried[name]],
            csrf_token=current.csrf_token,
            username=user.username,
        )

    @staticmethod
    def _done(target: str | None, state: str | None) -> Response:
        """Step 4: back to the client with its state, or the page that says it is done."""
        if target is None:
            return page("signed_out.html", signed_out=True)
        return redirect(add_params_to_uri(target, [("state", state)]) if state else target)
