"""`reference-as resources …` (RFC 8707) and `reference-as registration-token …`
(RFC 7591 §3), in-process against a real SQLite file, then used by the app."""

import json

from webtest import TestApp

from reference_as.app import make_app, secret_box
from reference_as.clock import SystemClock
from reference_as.config import load_settings
from reference_as.store import open_store
from spec_tests.cli.test_cli import run, run_json
from spec_tests.registration import PUBLIC_APP, bearer, register


def app_of(**overrides):
    settings = load_settings(overrides={"issuer": "https://as.example", **overrides})
    store = open_store(settings.store)
    return TestApp(make_app(settings, store, SystemClock(), secret_box(settings, store))), store


def test_resources_add_list_and_delete(workdir, capsys):
    added = run_json(capsys, "resources", "add", "https://mcp.example/mcp", "--scope", "api:read")
    assert added == {"uri": "https://mcp.example/mcp", "scopes": ["api:read"], "registered": True}
    listed = {r["uri"]: r for r in run_json(capsys, "resources", "list")}
    assert listed["https://mcp.example/mcp"]["scopes"] == ["api:read"]
    assert listed["http://127.0.0.1:8000/api"]["registered"] is False  # the sample resource, built in
    assert run_json(capsys, "resources", "delete", "https://mcp.example/mcp")["deleted"] is True
    assert "https://mcp.example/mcp" not in {r["uri"] for r in run_json(capsys, "resources", "list")}


def test_a_resource_the_rules_refuse_is_an_error_message(workdir, capsys):
    code, _, err = run(capsys, "resources", "add", "not-absolute")
    assert code == 2 and "absolute URI" in err
    code, _, err = run(capsys, "resources", "add", "https://mcp.example/mcp", "--scope", "api:nope")
    assert code == 2 and "api:nope" in err


def test_a_registration_token_is_printed_once_and_lets_a_client_register(workdir, capsys):
    made = run_json(capsys, "registration-token", "create", "--expires-in", "600")
    web, store = app_of()  # an https issuer: registration needs a token
    assert register(web, PUBLIC_APP).status_int == 401
    assert register(web, PUBLIC_APP, bearer(made["token"])).status_int == 201
    (listed,) = run_json(capsys, "registration-token", "list")
    assert listed["id"] == made["id"] and listed["token"] == "…" + made["token"][-4:]
    assert made["token"] not in json.dumps(listed)
    run_json(capsys, "registration-token", "revoke", made["id"])
    assert register(web, PUBLIC_APP, bearer(made["token"])).status_int == 401
    store.close()


def test_clients_list_says_how_each_client_came_to_be(workdir, capsys):
    web, store = app_of(registration="open")
    client_id = register(web, PUBLIC_APP).json["client_id"]
    run_json(capsys, "clients", "create", "--name", "Billing")
    origins = {c["name"]: c["origin"] for c in run_json(capsys, "clients", "list")}
    assert origins == {PUBLIC_APP["client_name"]: "rfc7591", "Billing": "admin"}
    code, out, _ = run(capsys, "clients", "list")
    assert "RFC 7591" in out and "administrator" in out and client_id in out
    store.close()
