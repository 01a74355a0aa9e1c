"""The authorization endpoint, `GET,POST /oauth2/authorize` (RFC 6749 §3.1, §4.1.1, §4.1.2).

The steps, in order:
  1. Read the request's parameters (query for GET, form body for POST; RFC6749-3.1
     MUST support GET, MAY support POST); `resource` may be repeated (RFC 8707 §2).
  1a. RFC 9126 §4: `client_id` with a pushed `request_uri` stands for the parameters
     pushed at /oauth2/par: unknown, expired, spent or another client's is
     `invalid_request_uri` on the error page; another parameter beside them that
     differs from the pushed ones is `invalid_request` (policy/rfc9126_par.py). The
     sign-in and consent pages carry only `client_id` and `request_uri` on, and a
     sign-in after the push satisfies its prompt=login or max_age. The request is
     spent (single use) when a code is issued or the user denies it.
  1b. A `client_id` that is an https URL names its metadata document (Client ID
     Metadata Document draft), which is fetched and read into the client
     (`metadata_documents.py`); one that cannot be used gets the error page
     (the draft: the server SHOULD abort the request).
  2. oauthlib validates it. Two kinds of failure:
     - the client_id is unknown or the redirect_uri is missing or not registered
       (RFC6749-4.1.2.1 MUST NOT redirect, RFC6749-3.1.2.4): an error page for the user;
     - anything else (`invalid_request`, `unsupported_response_type`, `invalid_scope`,
       `unauthorized_client`, PKCE errors): redirected to the client with
       `error`, `error_description`, `state` and `iss`.
     RFC9126-6: a request not pushed, where the server or the client requires
     pushed requests, is `invalid_request`, redirected.
     Then the resources (RFC 8707 §2, `resources.py`): a malformed or unknown one
     is `invalid_target`, a scope none of them accepts `invalid_scope`, redirected.
  3. Nobody signed in: to the login page, which comes back here.
  4. A consent decision posted from our consent page (CSRF-checked): deny gives
     `access_denied`; allow (optionally remembered) issues the code. A remembered
     consent covering the scopes issues the code without asking again, for a
     confidential client only: a public client cannot be authenticated, so anyone
     can send its client_id and a redirect URI it registered (any loopback port,
     RFC 8252 §7.3); approving it unasked would hand that caller a code
     (RFC 6749 §10.2, RFC 8252 §8.6). Public clients are asked every time, and
     so is every request that names a resource (a remembered decision is about
     scopes, not about where the token goes).
  5. Otherwise: the consent page, naming the client and each scope in plain
     words, the resources the token is for, and how the client came to be: a
     metadata document's host is shown prominently (the draft: the user must see
     who is asking), a self-registered client's name is marked as its own claim.
The success redirect carries `code`, the unchanged `state`, and `iss` (RFC 9207).

An OpenID Connect request (scope `openid`, OIDC Core §3.1.2) adds its checks
between 2 and 3, in the order `policy/oidc_core_authentication.py` gives:
its parameters (`prompt`, `max_age`, `nonce`, no request objects), the
`id_token_hint` (ours, for this client), then at 3: `prompt=none` never shows
a page (`login_required`, `consent_required` instead), `prompt=login` and an
old sign-in (`max_age`) send the user to sign in again, as does a signed-in
user other than the hinted one; `prompt=consent` and `offline_access` always
ask (OIDC Core §11). The code remembers the nonce and when the user signed in
(the session's start: signing in always starts a new session).
"""

from urllib.parse import urlencode, urlsplit

from oauthlib.common import add_params_to_uri
from oauthlib.oauth2 import FatalClientError, OAuth2Error
from webob import Request, Response

from ..clock import Clock
from ..config import Settings
from ..errors import ERRORS, OAuthError
from ..form import read_form_and_repeats
from ..id_token_hints import IdTokenHints, InvalidToken
from ..metadata_documents import MetadataDocuments, UnusableDocument
from ..pages import page, redirect, sign_in_first
from ..policy import oidc_core_authentication, oidc_core_scopes, rfc6749_scope, rfc9126_par, secrets
from ..resources import Resources, Target
from ..sessions import Sessions
from ..store import Store
from ..store.records import METADATA_DOCUMENT, Consent, PushedRequest

RESOURCE = "resource"  # RFC 8707 §2, the one parameter that may be repeated
# Parameters of our consent form that are not part of the authorization request.
CONSENT_FIELDS = ("csrf_token", "decision", "remember")
AUTHORIZATION_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",  # OIDC Core §3.1.2.1: bound to the code the consent gives
    "dpop_jkt",  # RFC 9449 §10: the code is bound to this DPoP key
)


class AuthorizationEndpoint:
    def __init__(
        self,
        oauthlib_endpoint,
        store: Store,
        sessions: Sessions,
        settings: Settings,
        clock: Clock,
        hints: IdTokenHints,
        resources: Resources,
        documents: MetadataDocuments,
    ):
        self.oauthlib_endpoint = oauthlib_endpoint
        self.hints = hints
        self.store = store
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self.resources = resources
        self.documents = documents
        self.endpoint_url = settings.issuer.rstrip("/") + "/oauth2/authorize"

    def __call__(self, request: Request) -> Response:
        pairs, named = self._pairs(request)
        consent_fields = [(name, value) for name, value in pairs if name in CONSENT_FIELDS]
        oauth_pairs = [(name, value) for name, value in pairs if name not in CONSENT_FIELDS]
        oauth_pairs += [(RESOURCE, uri) for uri in named]
        carried = oauth_pairs  # what the sign-in and consent pages carry on
        pushed = None
        if rfc9126_par.REQUEST_URI in dict(pairs):
            try:
                pushed = self._pushed(oauth_pairs)
            except OAuthError as error:
                return self._error_page(error.error, error.description)
            carried = [(name, value) for name, value in oauth_pairs if name in rfc9126_par.REFERENCE]
            oauth_pairs = [pair for pair in pushed.params if pair[0] != RESOURCE]
            named = [value for name, value in pushed.params if name == RESOURCE]
            pairs = oauth_pairs + consent_fields
            oauth_pairs += [(RESOURCE, uri) for uri in named]
        params = dict(pairs)
        uri = self.endpoint_url + "?" + urlencode(oauth_pairs)
        if self.documents.applies_to(params.get("client_id")):
            try:
                self.documents.resolve(params["client_id"])
            except UnusableDocument as error:
                return self._error_page("invalid_request", str(error))
        try:
            scopes, credentials = self.oauthlib_endpoint.validate_authorization_request(uri, http_method="GET")
            target = self.resources.target(named, tuple(scopes))
        except FatalClientError as error:
            return self._error_page(error.error, error.description)
        except OAuth2Error as error:
            return self._error_redirect(params, error.error, error.description)
        except OAuthError as error:
            return self._error_redirect(params, error.error, error.description)

        client = credentials["request"].client  # the one validator.validate_client_id found
        # RFC9126-6: where pushed requests are required, no other request is accepted.
        if pushed is None and (
            self.settings.require_pushed_authorization_requests or client.require_pushed_authorization_requests
        ):
            return self._error_redirect(
                params, "invalid_request", "This client must push its authorization requests (RFC 9126) first."
            )
        try:
            oidc, hinted = self._authentication(params, scopes, client)
        except OAuthError as error:
            return self._error_redirect(params, error.error, error.description)
        user, current = self._user(request)
        decision = params.get("decision") if request.method == "POST" else None
        # A consent form's answer was given after these checks passed: they are not run again.
        if user is None or (decision is None and self._not_as_asked(oidc, hinted, user, current, pushed)):
            if oidc and oidc.silent:  # OIDC-3.1.2.6: prompt=none shows no page
                return self._error_redirect(params, "login_required", "No one is signed in as this request needs.")
            return self._to_sign_in(carried, oidc, hinted)

        auth_time = current.session.created_at if current else self.clock.now()
        if decision is not None:
            if not self.sessions.csrf_ok(current, params.get("csrf_token")):
                return self._error_page(
                    "access_denied", "The consent form expired or did not come from this server.", 403
                )
            if decision != "allow":
                if pushed:
                    self.store.spend_pushed_request(pushed.request_uri_hash, self.clock.now())
                return self._error_redirect(params, "access_denied", "The user denied the request.")
            if params.get("remember") == "yes" and client.is_confidential and not target.resources:
                self.store.add_consent(Consent(user.user_id, client.client_id, _scope_key(scopes), self.clock.now()))
        elif not (
            self.settings.auto_approve_user or self._may_skip_consent(oidc, user.user_id, client, scopes, target)
        ):
            if oidc and oidc.silent:  # OIDC-3.1.2.6
                return self._error_redirect(params, "consent_required", "The user has not consented to this client.")
            return self._consent_page(client, params, scopes, target, user, current, carried)
        if pushed and not self.store.spend_pushed_request(pushed.request_uri_hash, self.clock.now()):
            return self._error_page("invalid_request_uri", "The pushed authorization request was used already.")
        return self._issue(uri, scopes, user, auth_time, target)

    def _pushed(self, sent: list[tuple[str, str]]) -> PushedRequest:
        """RFC9126-4: the pushed request `request_uri` names, for the client that pushed it,
        unused and unexpired; and nothing sent beside it that changes it."""
        params = dict(sent)
        found = self.store.get_pushed_request(secrets.hash_secret(params[rfc9126_par.REQUEST_URI]))
        if (
            found is None
            or found.client_id != params.get("client_id")
            or found.used_at is not None
            or found.expires_at <= self.clock.now()
        ):
            raise OAuthError(
                "invalid_request_uri",
                "The request_uri is unknown, expired, used already or not this client's; push the request again.",
            )
        problem = rfc9126_par.conflict(sent, found.params)
        if problem:
            raise OAuthError("invalid_request", problem)
        return found

    def _authentication(self, params: dict, scopes, client):
        """OIDC-3.1.2.2: an OpenID Connect request's own parameters, checked, and the
        subject its id_token_hint names (None without one); (None, None) for an OAuth request."""
        if not oidc_core_scopes.is_authentication(scopes):
            return None, None
        oidc = oidc_core_authentication.read(params)
        if oidc.id_token_hint is None:
            return oidc, None
        try:
            return oidc, self.hints.read(oidc.id_token_hint, client.client_id).subject
        except InvalidToken as reason:
            raise OAuthError("invalid_request", f"The id_token_hint is not usable: {reason}") from None

    def _not_as_asked(self, oidc, hinted: str | None, user, current, pushed: PushedRequest | None) -> bool:
        """OIDC Core §3.1.2.3: the sign-in is older than max_age, or prompt=login asks
        for a fresh one, or the signed-in user is not the one the id_token_hint names.
        A pushed request's freshness is met by a sign-in after it was pushed (its
        parameters cannot be dropped on the way back, as `after_sign_in` does)."""
        if oidc is None or self.settings.auto_approve_user:
            return False
        signed_in = current.session.created_at
        fresh_for_push = pushed is not None and signed_in >= pushed.issued_at
        stale = not fresh_for_push and oidc_core_authentication.needs_sign_in(oidc, signed_in, self.clock.now())
        return stale or oidc_core_authentication.hinted_user_differs(hinted, user.user_id)

    def _to_sign_in(self, pairs, oidc, hinted: str | None) -> Response:
        """The sign-in page, coming back here; for OpenID Connect without what the fresh
        sign-in satisfies, and with the username of the login_hint (or the hinted user)."""
        if oidc is None:
            return sign_in_first("/oauth2/authorize?" + urlencode(pairs))
        hinted_user = self.store.get_user(hinted) if hinted else None
        username = oidc.login_hint or (hinted_user.username if hinted_user else None)
        return sign_in_first("/oauth2/authorize?" + urlencode(oidc_core_authentication.after_sign_in(pairs)), username)

    def _may_skip_consent(self, oidc, user_id: str, client, scopes, target: Target) -> bool:
        """A remembered decision answers, unless the request asks anew: prompt=consent,
        or offline_access, whose consent is always obtained (OIDC Core §11)."""
        if oidc and (oidc.forces_consent or oidc_core_scopes.always_ask(scopes)):
            return False
        return self._remembered(user_id, client, scopes, target)

    def _pairs(self, request: Request) -> tuple[list[tuple[str, str]], list[str]]:
        """(the parameters but `resource`, a repeated one kept for oauthlib to refuse; the
        `resource` values)."""
        if request.method == "POST":
            params, named = read_form_and_repeats(request, self.settings.max_body_bytes, RESOURCE)
            return list(params.items()), named
        pairs = [(name, value) for name, value in request.GET.items() if value]
        return [pair for pair in pairs if pair[0] != RESOURCE], [value for name, value in pairs if name == RESOURCE]

    def _user(self, request: Request):
        if self.settings.auto_approve_user:
            return self.store.get_user_by_name(self.settings.auto_approve_user), None
        current, user = self.sessions.signed_in(request)
        return user, current

    def _remembered(self, user_id: str, client, scopes, target: Target) -> bool:
        """RFC6749-10.2: only a client that authenticates may skip the question, and only
        for the default audience (a remembered decision names no resources)."""
        if not client.is_confidential or target.resources:
            return False
        wanted = set(scopes)
        return any(
            c.client_id == client.client_id and wanted <= set(c.scope.split()) for c in self.store.consents_of(user_id)
        )

    def _issue(self, uri: str, scopes, user, auth_time: int, target: Target) -> Response:
        # oauthlib sets the credentials on its request, where the validator's
        # save_authorization_code reads them.
        credentials = {"user": user, "auth_time": auth_time, "resources": target.resources}
        headers, _, _ = self.oauthlib_endpoint.create_authorization_response(
            uri, http_method="GET", scopes=scopes, credentials=credentials
        )
        # RFC9207-2 MUST (when advertised): the issuer identifies who sent the response.
        return redirect(add_params_to_uri(headers["Location"], [("iss", self.settings.issuer)]))

    def _error_redirect(self, params: dict, error: str, description: str | None) -> Response:
        """RFC6749-4.1.2.1: the error goes back to the client's (validated) redirect URI."""
        reply = [("error", error), ("error_description", description or ERRORS[error].default_description)]
        if params.get("state"):
            reply.append(("state", params["state"]))  # RFC6749-4.1.2.1 MUST: state, unchanged
        reply.append(("iss", self.settings.issuer))  # RFC9207-2
        return redirect(add_params_to_uri(params["redirect_uri"], reply))

    def _error_page(self, error: str, description: str | None, status: int = 400) -> Response:
        """RFC6749-4.1.2.1 MUST NOT redirect: the redirect URI cannot be trusted, so tell the user."""
        return page(
            "error.html",
            status,
            heading="This sign-in request cannot be completed",
            message=description or ERRORS.get(error, ERRORS["invalid_request"]).default_description,
            error=error,
            reference="RFC 6749 §4.1.2.1",
            advice="The application that sent you here is misconfigured: its client_id or redirect URI is not "
            "registered exactly as sent. You were not sent back to it.",
        )

    def _consent_page(self, client, params: dict, scopes, target: Target, user, current, carried) -> Response:
        """The consent form carries the request on: its parameters, or (pushed) the reference to them."""
        pushed = any(name == rfc9126_par.REQUEST_URI for name, _ in carried)
        return page(
            "consent.html",
            client_name=client.name,
            may_remember=client.is_confidential and not target.resources,
            client_id=client.client_id,
            origin=client.origin,
            # The draft: the user sees the host of a metadata document's URL, who is asking.
            document_host=urlsplit(client.client_id).netloc if client.origin == METADATA_DOCUMENT else None,
            scopes=rfc6749_scope.described(scopes, self.settings.scope_prefix),
            resources=target.resources,
            redirect_host=urlsplit(params["redirect_uri"]).netloc or params["redirect_uri"],
            request_params=carried
            if pushed
            else [(name, params[name]) for name in AUTHORIZATION_PARAMS if name in params]
            + [(RESOURCE, uri) for uri in target.resources],
            csrf_token=current.csrf_token,
            username=user.username,
        )


def _scope_key(scopes) -> str:
    return " ".join(sorted(scopes))
