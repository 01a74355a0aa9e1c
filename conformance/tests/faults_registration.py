"""Faults for the checks of clients that arrive unannounced (issue 21): RFC 7591 registration,
RFC 7592 management, RFC 8707 resource indicators, RFC 9728 protected resource metadata and the
MCP authorization spec. Each breaks one requirement of the reference server behind the proxy
and names the checks that must then fail (or warn, or advise); `faults.catalogue` adds them.
"""

import json

from webob import Response

from conformance.jwts import claims_of

from .faults import _open_redirect, metadata, resigned, token_form
from .proxy import Fault, json_error, json_of, set_query, with_json
from .servers import REDIRECT_URI

REGISTER = "/oauth2/register"
RESOURCE = "/api/me"  # the reference server's sample resource (the target's [resource] url)
RESOURCE_METADATA = "/.well-known/oauth-protected-resource/api"
ELSEWHERE = "/conformance-resource-metadata"  # where one fault serves the resource's metadata instead


def registration_answer(edit, method: str = "POST"):
    """Edit the JSON answers of the registration endpoint (POST) or of the client configuration
    endpoint (GET, PUT): edit(body, request, response); a dict returned replaces the body."""

    def response(request, response):
        path = request.path == REGISTER if method == "POST" else request.path.startswith(REGISTER + "/")
        body = json_of(response)
        if path and request.method == method and isinstance(body, dict):
            result = edit(body, request, response)
            return with_json(response, result if isinstance(result, dict) else body)
        return None

    return response


def registration_request(edit):
    """Edit the registration request's JSON before it goes upstream: edit(document) -> document or a Response."""

    def request(request):
        document = json_of(request)
        if request.path == REGISTER and request.method == "POST" and isinstance(document, dict):
            result = edit(document)
            if isinstance(result, Response):
                return result
            request.body = json.dumps(result).encode()
        return None

    return request


def resource_metadata(edit):
    """Edit the sample resource's RFC 9728 metadata: edit(document)."""

    def response(request, response):
        body = json_of(response)
        if request.path == RESOURCE_METADATA and isinstance(body, dict):
            edit(body)
            return with_json(response, body)
        return None

    return response


def challenge(edit):
    """Edit the WWW-Authenticate of the resource's 401 answers: edit(header) -> header."""

    def response(request, response):
        if request.path == RESOURCE and response.status_code == 401:
            response.headers["WWW-Authenticate"] = edit(response.headers.get("WWW-Authenticate", ""))
        return None

    return response


def _without_resource_metadata(header: str) -> str:
    return ", ".join(part for part in header.split(", ") if not part.startswith("resource_metadata="))


def _set_status(status: int):
    return lambda body, request, response: setattr(response, "status", status)


def _public_secret(body, request, response):
    if body.get("token_endpoint_auth_method") == "none":
        body["client_secret"] = "conformance-proxy-secret-0000"


def _strip_fragments(document):
    uris = document.get("redirect_uris")
    if isinstance(uris, list):
        document["redirect_uris"] = [uri.split("#")[0] if isinstance(uri, str) else uri for uri in uris]
    return document


def _renamed_error(body, request, response):
    if body.get("error") == "invalid_client_metadata":
        body["error"] = "invalid_request"


def _management_open_to_anyone():
    """Requests to the client configuration endpoint without the registration access token (or with
    one the suite invented) get the right one from the proxy: the server never sees them refused."""
    tokens: dict[str, str] = {}

    def remember(body, request, response):
        if "registration_access_token" in body:
            tokens[body["client_id"]] = body["registration_access_token"]

    def request(request):
        client_id = request.path.removeprefix(REGISTER + "/")
        sent = request.headers.get("Authorization", "")
        missing = not sent or "conformance-never" in sent
        if request.path.startswith(REGISTER + "/") and client_id in tokens and missing:
            request.headers["Authorization"] = f"Bearer {tokens[client_id]}"
        return None

    return request, registration_answer(remember)


def _update_ignored(request):
    """A PUT is read as a GET: the answer shows the registration unchanged."""
    if request.path.startswith(REGISTER + "/") and request.method == "PUT":
        request.method, request.body = "GET", b""
    return None


def _delete_ignored(request):
    if request.path.startswith(REGISTER + "/") and request.method == "DELETE":
        return Response(status=204)
    return None


def _resources_dropped(condition):
    """Token requests lose the `resource` values `condition` picks: the server never sees them."""
    return token_form(lambda pairs, request: [(k, v) for k, v in pairs if not (k == "resource" and condition(v))])


def _metadata_elsewhere(issuer: str):
    """The resource's metadata is not at its well-known URL, only at ELSEWHERE, which its 401 names."""

    def request(request):
        if request.path == RESOURCE_METADATA:
            return Response(status=404)
        if request.path == ELSEWHERE:
            request.path_info = RESOURCE_METADATA
        return None

    def rename(header: str) -> str:
        return _without_resource_metadata(header) + f', resource_metadata="{issuer}{ELSEWHERE}"'

    return request, challenge(rename)


def _document_clients(edit):
    """Edit authorization requests of clients known by a metadata document URL (the suite's documents
    live under /documents/): edit(params) -> params, or a Response to answer with."""

    def request(request):
        params = dict(request.GET)
        if request.path == "/oauth2/authorize" and "/documents/" in params.get("client_id", ""):
            result = edit(params)
            if isinstance(result, Response):
                return result
            set_query(request, result.items())
        return None

    return request


def _own_document(params):
    params["client_id"] = params["client_id"].replace("/mismatch.json", "/client.json")
    return params


def issue21_faults(ctx) -> list[Fault]:
    faults = []
    add = lambda name, breaks, **kw: faults.append(Fault(name, tuple(breaks.split()), **kw))  # noqa: E731

    # -- RFC 7591 registration ----------------------------------------------------------------
    add(
        "registration-is-200",
        "rfc7591-3.2.1-registration-is-201-with-client-id",
        response=registration_answer(_set_status(200)),
    )
    add(
        "registration-drops-redirect-uris",
        "rfc7591-3.2.1-redirect-uris-returned",
        response=registration_answer(lambda body, *_: body.pop("redirect_uris", None)),
    )
    add(
        "confidential-client-without-secret",
        "rfc7591-3.2.1-confidential-client-gets-a-secret",
        response=registration_answer(lambda body, *_: body.pop("client_secret", None)),
    )
    add(
        "secret-without-expiry",
        "rfc7591-3.2.1-secret-comes-with-its-expiry",
        response=registration_answer(lambda body, *_: body.pop("client_secret_expires_at", None)),
    )
    add(
        "public-client-given-a-secret",
        "rfc7591-3.2.1-public-client-gets-no-secret",
        response=registration_answer(_public_secret),
    )
    add(
        "unknown-metadata-refused",
        "rfc7591-2-unknown-metadata-ignored",
        request=registration_request(
            lambda doc: json_error("invalid_client_metadata") if "conformance_unknown_member" in doc else doc
        ),
    )
    add(
        "bad-redirect-uri-registered",
        "rfc7591-3.2.2-bad-redirect-uri-is-invalid-redirect-uri",
        request=registration_request(_strip_fragments),
    )
    add(
        "bad-metadata-is-invalid-request",
        "rfc7591-3.2.2-bad-metadata-is-invalid-client-metadata",
        response=registration_answer(_renamed_error),
    )

    # -- RFC 7592 management ----------------------------------------------------------------------
    add(
        "management-uri-without-token",
        "rfc7592-3-management-uri-comes-with-its-token",
        response=registration_answer(lambda body, *_: body.pop("registration_access_token", None)),
    )
    opened, remembered = _management_open_to_anyone()
    add(
        "management-open-to-anyone",
        "rfc7592-2-read-without-token-is-401 rfc7592-2-read-with-wrong-token-is-invalid-token",
        request=opened,
        response=remembered,
    )
    add(
        "read-names-another-client",
        "rfc7592-2.1-read-returns-the-registration",
        response=registration_answer(lambda body, *_: body.update(client_id="someone-else"), method="GET"),
    )
    add("update-ignored", "rfc7592-2.2-update-replaces-the-registration", request=_update_ignored)
    add("delete-ignored", "rfc7592-2.3-delete-ends-the-registration", request=_delete_ignored)

    # -- RFC 8707 resource indicators --------------------------------------------------------------
    add(
        "aud-not-the-resource",
        "rfc8707-2-client-credentials-aud-is-the-resource rfc8707-2-code-flow-aud-is-the-resource",
        response=resigned(ctx, claims_edit=lambda c: {**c, "aud": "https://other.example/api"}),
    )
    add(
        "malformed-resource-accepted",
        "rfc8707-2-malformed-resource-refused-fragment rfc8707-2-malformed-resource-refused-relative",
        request=_resources_dropped(lambda value: "#" in value or "://" not in value),
    )
    add(
        "unknown-resource-accepted",
        "rfc8707-2-unknown-resource-is-invalid-target",
        request=_resources_dropped(lambda value: value.startswith("https://conformance-never")),
    )

    # -- RFC 9728 protected resource metadata ----------------------------------------------------------
    add(
        "resource-metadata-as-html",
        "rfc9728-3-metadata-is-a-json-object",
        response=lambda request, response: (
            setattr(response, "content_type", "text/html") if request.path == RESOURCE_METADATA else None
        ),
    )
    add(
        "resource-metadata-names-another-resource",
        "rfc9728-3.3-resource-matches-metadata-url rfc9728-3-metadata-served-at-well-known-url",
        response=resource_metadata(lambda doc: doc.update(resource=doc["resource"] + "/other")),
    )
    add(
        "resource-on-remote-http",
        "rfc9728-2-resource-is-https-without-fragment",
        response=resource_metadata(lambda doc: doc.update(resource="http://rs.example/api")),
    )
    add(
        "authorization-servers-a-string",
        "rfc9728-2-authorization-servers-are-issuers",
        response=resource_metadata(lambda doc: doc.update(authorization_servers=ctx.issuer)),
    )
    add(
        "resource-metadata-without-scopes",
        "rfc9728-2-scopes-supported-listed",
        response=resource_metadata(lambda doc: doc.pop("scopes_supported")),
    )
    add(
        "challenge-without-resource-metadata",
        "rfc9728-5.1-challenge-names-resource-metadata",
        response=challenge(_without_resource_metadata),
    )
    moved, renamed = _metadata_elsewhere(ctx.issuer)
    add("resource-metadata-elsewhere", "rfc9728-3-metadata-served-at-well-known-url", request=moved, response=renamed)

    # -- the MCP authorization spec ------------------------------------------------------------------------
    add(
        "issuer-under-a-tenant-path",
        "mcp-authorization-server-discovery-metadata-at-well-known-url",
        response=metadata(lambda m: m.update(issuer=m["issuer"] + "/tenant")),
    )
    add(
        "pkce-methods-not-advertised",
        "mcp-authorization-code-protection-s256-advertised",
        response=metadata(lambda m: m.pop("code_challenge_methods_supported")),
    )
    add(
        "no-registration-path",
        "mcp-client-registration-approaches-registration-path-advertised",
        response=metadata(lambda m: (m.pop("registration_endpoint"), m.pop("client_id_metadata_document_supported"))),
    )
    add(
        "resource-names-no-authorization-server",
        "mcp-authorization-server-discovery-resource-names-an-authorization-server",
        response=resource_metadata(lambda doc: doc.pop("authorization_servers")),
    )

    # -- OAuth Client ID Metadata Documents ---------------------------------------------------------------
    add(
        "document-clients-refused",
        "cimd-client-metadata-document-client-works",
        request=_document_clients(lambda params: Response(status=400, body=b"unknown client")),
    )
    add(
        "document-client-id-not-compared",
        "cimd-client-metadata-document-client-id-mismatch-refused",
        request=_document_clients(_own_document),
    )
    asked, followed = _open_redirect({REDIRECT_URI})
    add(
        "unlisted-redirect-followed",
        "cimd-redirect-url-registration-unlisted-redirect-refused",
        request=asked,
        response=followed,
    )
    add(
        "resource-accepts-any-audience",
        "mcp-access-token-privilege-restriction-other-audience-refused",
        request=_any_audience_accepted(ctx.issuer),
    )
    return faults


def _any_audience_accepted(issuer: str):
    """The resource answers 200 to any token its server signed, whatever the audience: the proxy
    answers itself when the token's aud does not name the resource."""

    def request(request):
        auth = request.headers.get("Authorization", "")
        if request.path == RESOURCE and auth.startswith("Bearer "):
            aud = (claims_of(auth[7:]) or {}).get("aud", [])
            if issuer + "/api" not in ([aud] if isinstance(aud, str) else aud):
                return with_json(Response(status=200), {"sub": "accepted-by-the-fault"})
        return None

    return request
