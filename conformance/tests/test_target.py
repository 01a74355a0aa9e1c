"""The target file: a good one is read; a bad one is refused with the field named."""

import pytest

from conformance.target import TEMPLATE, TargetError, load, parse

SERVER = {"metadata_url": "https://as.example/.well-known/oauth-authorization-server"}
CONFIDENTIAL = {"client_id": "app", "client_secret": "s3cret", "redirect_uri": "https://app.example/cb"}


def refused(data: dict) -> str:
    with pytest.raises(TargetError) as error:
        parse(data, "t.toml")
    return str(error.value)


def test_the_template_is_a_valid_target():
    target = parse(__import__("tomllib").loads(TEMPLATE.format(name="t.toml")), "t.toml")
    assert target.approval.driver == "none"
    assert target.clients["confidential"].auth_method == "client_secret_basic"


def test_a_full_target_is_read():
    target = parse(
        {
            "server": {**SERVER, "timeout": 5},
            "resource": {"url": "https://api.example/me", "scope": "read"},
            "clients": {"confidential": CONFIDENTIAL, "public": {"client_id": "spa", "redirect_uri": "https://spa/cb"}},
            "approval": {
                "driver": "form",
                "username": "u",
                "password": "p",
                "form": {"decision": "consent", "consent_field": "prompt=consent", "deny_link": "Cancel"},
            },
            "code_lifetime_wait": 30,
        }
    )
    assert target.server.timeout == 5.0 and target.code_lifetime_wait == 30.0
    assert target.clients["public"].is_public and target.clients["public"].grant_types == (
        "authorization_code",
        "refresh_token",
    )
    assert target.approval.form.decision == "consent" and target.approval.form.allow == "allow"
    assert target.approval.form.consent_field == "prompt=consent" and target.approval.form.deny_link == "Cancel"
    assert target.secrets() == ["s3cret", "p"]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({}, "server: is required"),
        ({"server": {}}, "server.metadata_url: is required"),
        ({"server": {"metadata_url": "as.example/meta"}}, "server.metadata_url: must be an absolute"),
        ({"server": {**SERVER, "timeot": 3}}, "server.timeot: unknown field"),
        ({"server": {**SERVER, "timeout": "3"}}, "server.timeout: must be a float"),
        ({"server": SERVER, "clients": {"confidential": {"client_id": "app"}}}, "clients.confidential.client_secret"),
        (
            {"server": SERVER, "clients": {"public": {"client_id": "spa", "client_secret": "x"}}},
            "clients.public.client_secret: a public client has no secret",
        ),
        (
            {"server": SERVER, "clients": {"confidential": {**CONFIDENTIAL, "auth_method": "tls_client_auth"}}},
            "clients.confidential.auth_method: must be one of",
        ),
        (
            {"server": SERVER, "clients": {"confidential": {**CONFIDENTIAL, "redirect_uri": "https://a/cb#x"}}},
            "clients.confidential.redirect_uri: must not have a fragment",
        ),
        (
            {"server": SERVER, "clients": {"confidential": {**CONFIDENTIAL, "grant_types": ["password"]}}},
            "clients.confidential.grant_types: unknown value 'password'",
        ),
        (
            {"server": SERVER, "clients": {"public": {"client_id": "spa", "grant_types": ["client_credentials"]}}},
            "clients.public.grant_types",
        ),
        (
            {
                "server": SERVER,
                "clients": {"confidential": {"client_id": "a", "client_secret_env": "CONFORMANCE_UNSET"}},
            },
            "clients.confidential.client_secret_env: the environment variable CONFORMANCE_UNSET is not set",
        ),
        ({"server": SERVER, "approval": {"driver": "robot"}}, "approval.driver: must be one of"),
        ({"server": SERVER, "approval": {"driver": "form"}}, "approval.username: the form driver signs in"),
        ({"server": SERVER, "resource": {"scope": "read"}}, "resource.url: is required"),
        (
            {"server": SERVER, "clients": {"public": {"client_id": "spa", "application_type": "desktop"}}},
            "clients.public.application_type: must be one of native, browser",
        ),
        (
            {"server": SERVER, "clients": {"confidential": {**CONFIDENTIAL, "application_type": "native"}}},
            "clients.confidential.application_type: is for the public client",
        ),
        ({"server": SERVER, "approval": {"driver": "auto", "parameters": {"n": 1}}}, "approval.parameters: must be"),
        (
            {"server": SERVER, "approval": {"driver": "manual", "headers": {"X-A": "1"}}},
            "approval.headers: the manual driver cannot send headers",
        ),
    ],
)
def test_a_bad_target_names_the_field(data, named):
    assert f"t.toml: {named}" in refused(data)


def test_a_public_client_says_whether_it_is_a_native_app_and_auto_takes_parameters():
    target = parse(
        {
            "server": SERVER,
            "clients": {"public": {"client_id": "app", "application_type": "native"}},
            "approval": {
                "driver": "auto",
                "parameters": {"login_hint": "alice"},
                "deny_parameters": {"login_hint": "deny"},
                "headers": {"X-Test-User": "alice"},
            },
        }
    )
    assert target.clients["public"].is_native
    assert target.approval.parameters == {"login_hint": "alice"} and target.approval.headers == {"X-Test-User": "alice"}
    assert (
        parse({"server": SERVER, "clients": {"public": {"client_id": "a"}}}).clients["public"].application_type is None
    )


def test_secrets_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONFORMANCE_SECRET", "from-env")
    target = parse(
        {"server": SERVER, "clients": {"confidential": {"client_id": "a", "client_secret_env": "CONFORMANCE_SECRET"}}}
    )
    assert target.clients["confidential"].client_secret == "from-env"
    assert "from-env" not in repr(target.clients["confidential"])


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(TargetError, match="cannot be read"):
        load(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[server\n")
    with pytest.raises(TargetError, match="not valid TOML"):
        load(tmp_path / "bad.toml")
