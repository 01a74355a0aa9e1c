"""The `reference-as` command, run in-process in a fresh working directory with a real SQLite file."""

import dataclasses
import importlib.metadata
import json
import os
import stat

import pytest

from reference_as.cli import main
from reference_as.clock import readable
from reference_as.config import Settings, load_settings


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REFERENCE_AS_SECRET_KEY", raising=False)
    for name in list(os.environ):
        if name.startswith("REFERENCE_AS_"):
            monkeypatch.delenv(name)
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_create_prints_the_secret_once_and_list_and_show_mask_it(workdir, capsys):
    created = run_json(capsys, "clients", "create", "--name", "Billing", "--scope", "api:read")
    secret = created["client_secret"]
    assert len(secret) == 43
    _, listed, _ = run(capsys, "clients", "list")
    _, shown, _ = run(capsys, "clients", "show", created["client_id"])
    shown_json = run_json(capsys, "clients", "show", created["client_id"])
    assert "Billing" in listed and created["client_id"] in shown
    for output in (listed, shown, json.dumps(shown_json)):
        assert secret not in output
    assert shown_json["client_secret"] == "…" + secret[-4:]


def test_the_secret_never_reaches_the_database_file(workdir, capsys):
    created = run_json(capsys, "clients", "create", "--name", "Billing")
    rotated = run_json(capsys, "clients", "rotate-secret", created["client_id"])
    database = b"".join(p.read_bytes() for p in (workdir / "var").glob("reference_as.sqlite3*"))
    assert created["client_id"].encode() in database
    for secret in (created["client_secret"], rotated["client_secret"]):
        assert secret.encode() not in database


def test_edit_pause_resume_delete(workdir, capsys):
    client_id = run_json(capsys, "clients", "create", "--name", "A", "--client-id", "svc-a")["client_id"]
    edited = run_json(
        capsys, "clients", "edit", client_id, "--name", "B", "--scope", "api:read", "--scope", "api:write"
    )
    assert edited["name"] == "B" and edited["scopes"] == ["api:read", "api:write"]
    assert run_json(capsys, "clients", "pause", client_id)["status"] == "paused"
    assert run_json(capsys, "clients", "resume", client_id)["status"] == "active"
    assert run_json(capsys, "clients", "delete", client_id)["deleted"] is True
    code, _, err = run(capsys, "clients", "show", client_id)
    assert code == 2 and "svc-a" in err


def test_bad_input_is_a_clear_message_and_exit_code_2(workdir, capsys):
    code, out, err = run(
        capsys, "clients", "create", "--name", "x", "--type", "public", "--grant", "client_credentials"
    )
    assert code == 2 and "public" in err and out == ""
    code, _, err = run(
        capsys, "clients", "create", "--name", "x", "--grant", "authorization_code", "--redirect-uri", "https://a/cb#x"
    )
    assert code == 2 and "fragment" in err


def test_keys_list_and_rotate(workdir, capsys):
    first = run_json(capsys, "keys", "rotate")
    assert [k["state"] for k in first] == ["active"]  # the first key signs at once
    second = run_json(capsys, "keys", "rotate")
    assert [k["state"] for k in second] == ["pending", "active"]
    assert second[1]["signs_until"] == second[0]["signs_from"] > second[0]["created_at"]
    third = run_json(capsys, "keys", "rotate", "--now")
    assert [k["state"] for k in third] == ["active", "retired", "retired"]  # the others withdrawn
    listed = run_json(capsys, "keys", "list")
    assert [k["kid"] for k in listed] == [k["kid"] for k in third]
    key_file = workdir / "var" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_demo_creates_its_clients_and_user_once(workdir, capsys):
    first = run_json(capsys, "demo")
    assert [(c.get("client_id") or c["username"], c["created"]) for c in first] == [
        ("demo-confidential", True),
        ("demo-public", True),
        ("demo", True),
        ("admin", True),
    ]
    assert first[0]["client_secret"] and first[1]["client_secret"] is None and first[2]["password"]
    assert first[2]["is_admin"] is False and first[3]["is_admin"] is True
    again = run_json(capsys, "demo")
    assert [c["created"] for c in again] == [False, False, False, False]
    assert first[0]["client_secret"] not in json.dumps(again) and first[2]["password"] not in json.dumps(again)


def test_users_create_list_set_password_delete(workdir, capsys, monkeypatch):
    import io

    created = run_json(capsys, "users", "create", "carol", "--admin")
    assert created["is_admin"] is True and len(created["password"]) >= 16
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    changed = run_json(capsys, "users", "set-password", "carol", "--password-stdin")
    assert changed["password"] is None  # given on stdin: not echoed
    _, listed, _ = run(capsys, "users", "list")
    assert "carol" in listed and "admin" in listed and created["password"] not in listed
    assert readable(created["created_at"]) in listed  # the one way times are shown: 2027-01-15 08:00:00 UTC
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "users", "create", "dave", "--password-stdin")
    assert code == 2 and "8 characters" in err
    assert run_json(capsys, "users", "delete", "carol")["deleted"] is True
    code, _, err = run(capsys, "users", "delete", "carol")
    assert code == 2 and "carol" in err


def test_flags_override_environment_which_overrides_the_file(workdir, monkeypatch):
    (workdir / "reference-as.toml").write_text('access_token_ttl = 100\nport = 9001\nscope_levels = ["read"]\n')
    assert load_settings().access_token_ttl == 100
    monkeypatch.setenv("REFERENCE_AS_ACCESS_TOKEN_TTL", "200")
    monkeypatch.setenv("REFERENCE_AS_PORT", "9002")
    settings = load_settings(overrides={"port": 9003})
    assert (settings.access_token_ttl, settings.port, settings.scope_levels) == (200, 9003, ("read",))


def test_a_bad_setting_names_itself(workdir, capsys):
    (workdir / "reference-as.toml").write_text("acess_token_ttl = 100\n")
    code, _, err = run(capsys, "clients", "list")
    assert code == 2 and "acess_token_ttl" in err


def test_purge_reports_what_it_deleted(workdir, capsys):
    counts = run_json(capsys, "purge")
    kinds = {"codes", "refresh_tokens", "grants", "revoked_tokens", "sessions", "login_failures"}
    assert kinds <= set(counts) and all(isinstance(n, int) and n >= 0 for n in counts.values())
    _, text, log = run(capsys, "purge")
    assert text.startswith("deleted: ")
    assert log.startswith("[INFO] reference_as.purge: purge deleted: ")  # the same line as the server's purge


def test_introspect_permission_from_the_cli(workdir, capsys):
    created = run_json(capsys, "clients", "create", "--name", "API", "--permission", "introspect")
    assert created["permissions"] == ["introspect"]
    edited = run_json(capsys, "clients", "edit", created["client_id"], "--permission", "introspect")
    assert edited["permissions"] == ["introspect"]


def test_a_client_created_without_scopes_gets_only_the_lowest(workdir, capsys):
    """Least privilege by default: never every scope, api:superuser included."""
    created = run_json(capsys, "clients", "create", "--name", "Quiet")
    settings = load_settings()
    assert created["scopes"] == created["default_scopes"] == [settings.scopes[0]]


def test_default_scopes_are_chosen_within_the_allowed_ones(workdir, capsys):
    argv = ["clients", "create", "--name", "Two", "--scope", "api:read", "--scope", "api:write"]
    created = run_json(capsys, *argv, "--default-scope", "api:write")
    assert created["default_scopes"] == ["api:write"]
    code, _, err = run(capsys, *argv, "--default-scope", "api:admin")
    assert code == 2 and "default scopes" in err


@pytest.mark.parametrize(
    "environment",
    [
        {"REFERENCE_AS_ISSUER": "https://auth.example.com"},
        {"REFERENCE_AS_HOST": "0.0.0.0", "REFERENCE_AS_ISSUER": "https://auth.example.com"},
    ],
)
def test_the_auto_approve_test_switch_is_refused_off_loopback(workdir, capsys, monkeypatch, environment):
    monkeypatch.setenv("REFERENCE_AS_AUTO_APPROVE_USER", "admin")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, _, err = run(capsys, "clients", "list")
    assert code == 2 and "auto_approve_user" in err


def test_version_prints_the_installed_package_version(workdir, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"reference-as {importlib.metadata.version('reference-as')}\n"


def test_serve_help_shows_each_settings_flag_with_the_default_from_config(workdir, capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    flags = {"--" + field.name.replace("_", "-"): field for field in dataclasses.fields(Settings)}
    shown = [flag for flag in flags if f" {flag} " in help_text]
    assert {"--host", "--port", "--workers", "--store", "--issuer"} <= set(shown)
    for flag in shown:
        default = flags[flag].default
        written = json.dumps(default) if isinstance(default, str) else str(default)
        after_flag = help_text.split(f" {flag} ", 1)[1].split(" --", 1)[0]
        assert f"(default: {written})" in after_flag, (flag, after_flag)


def test_clients_create_help_shows_the_default_of_each_flag(workdir, capsys):
    with pytest.raises(SystemExit):
        main(["clients", "create", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    options = help_text.split("options:", 1)[1].split(" --")[1:]
    described = [option for option in options if not option.startswith(("help", "json", "config"))]
    assert len(described) >= 7
    for option in described:
        assert "default:" in option, option


def test_a_command_other_than_serve_refuses_a_memory_store_it_could_not_share(workdir, capsys):
    code, out, err = run(capsys, "clients", "create", "--name", "Lost", "--store", "memory://")
    assert code == 2 and out == "" and "memory://" in err


@pytest.mark.requirement("OIDC-5.1")
def test_users_create_and_edit_set_the_openid_connect_profile_claims(workdir, capsys):
    created = run_json(capsys, "users", "create", "erin", "--name", "Erin Example", "--email", "erin@example.org")
    assert created["profile"]["name"] == "Erin Example" and created["profile"]["email_verified"] is False
    edited = run_json(capsys, "users", "edit", "erin", "--email-verified", "--locale", "fr-CA")
    assert edited["profile"] | {"updated_at": None} == created["profile"] | {
        "email_verified": True, "locale": "fr-CA", "updated_at": None,
    }  # fmt: skip
    code, _, err = run(capsys, "users", "edit", "erin", "--picture", "ftp://x")
    assert code == 2 and "picture" in err


def test_clients_take_post_logout_redirect_uris(workdir, capsys):
    client = run_json(
        capsys, "clients", "create", "--name", "RP", "--grant", "authorization_code", "--scope", "openid",
        "--redirect-uri", "https://rp.example/cb", "--post-logout-redirect-uri", "https://rp.example/bye",
    )  # fmt: skip
    assert client["post_logout_redirect_uris"] == ["https://rp.example/bye"]
    code, _, err = run(
        capsys, "clients", "edit", client["client_id"], "--post-logout-redirect-uri", "http://evil.example/"
    )
    assert code == 2 and "http is allowed only for loopback" in err
