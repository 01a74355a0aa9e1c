"""The target lines that close the gaps of a run: what a skipped check names as
the change to the target file that would let it run (`outcomes.not_configured`).

Each is one line the user can copy into the target file, under the table it
names, with `<...>` where only they know the value.
"""

from oauth_client.config import KNOWN_GRANT_TYPES, ClientConfig

from .outcomes import target_line

REDIRECT_URI = "http://127.0.0.1:8001/callback"

_ROLES = {
    "confidential": "a confidential client",
    "second": "a second confidential client",
    "public": "a public client",
}


def client(role: str) -> str:
    values = {"client_id": f"<{_ROLES[role]}, registered on the server>"}
    if role != "public":
        values["client_secret"] = "<its secret>"
    values["redirect_uri"] = REDIRECT_URI
    if role == "public":
        values["application_type"] = "native"
    return target_line(f"clients.{role}", **values)


def private_key_jwt() -> str:
    """-- issue 24: the client the RFC 7523 checks sign assertions for."""
    return target_line(
        "private_key_jwt",
        client_id="<a client registered for private_key_jwt>",
        private_key_file="<its PEM private key>",
    )


def code_client(clients: dict) -> str:
    """For a target with no client of the authorization code grant: the confidential client's line."""
    config = clients.get("confidential")
    if config is None:
        return client("confidential")
    if "authorization_code" not in config.grant_types:
        return grant(config, "authorization_code")
    return redirect_uri("confidential")


def grant(config: ClientConfig, grant_type: str) -> str:
    wanted = [g for g in KNOWN_GRANT_TYPES if g in config.grant_types or g == grant_type]
    return (
        target_line(f"clients.{config.role}", grant_types=wanted) + f" (if the client is registered for {grant_type})"
    )


def redirect_uri(role: str, uri: str = REDIRECT_URI) -> str:
    return target_line(f"clients.{role}", redirect_uri=uri) + " (registered on the server exactly so)"


def two_scopes(role: str) -> str:
    return target_line(f"clients.{role}", scope="<two scopes the client may have, e.g. read write>")


def driver() -> str:
    return (
        target_line("approval", driver="form", username="<a test user>", password_env="CONFORMANCE_PASSWORD")
        + " (or driver = auto, browser, manual)"
    )


def deny() -> str:
    return (
        target_line("approval", deny_parameters={"login_hint": "<what makes the server deny>"})
        + ', or [approval] driver = "form"'
    )


def fresh_user(client_id: str) -> str:
    return (
        target_line("approval", username=f"<a user who has no remembered consent for {client_id}>")
        + " (or withdraw that user's consent on the server)"
    )


def form_driver() -> str:
    return target_line("approval", driver="form") + " (the pages are shown to a user who signs in)"


def resource() -> str:
    return target_line("resource", url="<a protected resource that accepts the server's access tokens>")


def resource_scope() -> str:
    return target_line("resource", scope="<the scope the resource needs>")


def seed(**values) -> str:
    return target_line("seed", **values)


def form_fields() -> str:
    return (
        target_line("approval.form", username="<the sign-in form's user field>", password="<its password field>")
        + "; decision, allow, deny, consent_field or deny_link for the consent page"
    )
