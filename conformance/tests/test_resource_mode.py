"""`oauth-conformance resource URL`: the reference server's sample resource checked from its URL
alone, as an MCP client meets it: discovery, a registered client, the resource's profiles."""

import json

from conformance import cli
from conformance.checks import load_all
from conformance.marks import CHECKS
from conformance.resource_mode import PROFILES

from .conftest import problems


def test_a_resource_is_checked_from_its_url_alone(reference, workdir, tmp_path, capsys):
    out = tmp_path / "resource.json"
    code = cli.main(["resource", reference.url + "/api/me", "--json", str(out)])
    report = json.loads(out.read_text())
    results = {c["id"]: c for c in report["checks"]}
    load_all()
    assert set(results) == {c for c, spec in CHECKS.items() if set(PROFILES) & set(spec.profiles)}
    assert not problems(results), problems(results)
    passed = {c for c, r in results.items() if r["outcome"] == "pass"}
    assert {
        "rfc9728-3.3-resource-matches-metadata-url",
        "rfc9728-5.1-challenge-names-resource-metadata",
        "rfc6750-2.1-authorization-header-accepted",
        "rfc6750-3-no-token-gets-401-bearer-challenge",
        "mcp-access-token-privilege-restriction-other-audience-refused",
        "mcp-authorization-server-discovery-resource-names-an-authorization-server",
    } <= passed
    assert code == 0
    said = capsys.readouterr().out
    assert "registered the client" in said
    client_id = said.split("registered the client ")[1].split()[0]
    assert client_id not in {c["client_id"] for c in workdir.cli("clients", "list")}  # deleted afterwards
    assert not [c for c in workdir.cli("clients", "list") if "resource mode" in str(c.get("name"))]


def test_a_url_that_names_no_authorization_server_is_refused(reference, capsys):
    code = cli.main(["resource", reference.url + "/oauth2/jwks"])
    assert code == 2
    assert "names no authorization server" in capsys.readouterr().err
