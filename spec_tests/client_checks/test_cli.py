"""`reference-as clients check` and `clients report` on a real SQLite file: the check starts,
refuses a second scenario and unknown clients in one line, and the report's exit status
says whether a MUST failed (1), has no evidence yet (3) or every MUST passed (0)."""

import json
import xml.etree.ElementTree as ET

from reference_as.cli import main
from reference_as.config import load_settings
from reference_as.store import open_store
from reference_as.store.records import CheckEvent
from spec_tests.cli.test_cli import run, run_json


def created(capsys) -> str:
    return run_json(
        capsys,
        "clients",
        "create",
        "--name",
        "Shop",
        "--grant",
        "authorization_code",
        "--redirect-uri",
        "https://shop.example/cb",
    )["client_id"]


def test_check_then_report_with_no_evidence_is_incomplete(workdir, capsys):
    client_id = created(capsys)
    started = run_json(capsys, "clients", "check", client_id, "--scenario", "security")
    assert started["scenario"] == "security" and started["ended_at"] is None

    code, out, err = run(capsys, "clients", "check", client_id)
    assert code == 2 and "already under check" in err and out == ""

    written_files = ("--json", "report.json", "--junit", "report.xml", "--html", "report.html")
    code, out, _ = run(capsys, "clients", "report", client_id, *written_files)
    assert code == 3 and "INCOMPLETE" in out
    written = json.loads((workdir / "report.json").read_text())
    assert written["summary"]["verdict"] == "INCOMPLETE" and written["scenario"] == "security"
    suite = ET.parse(workdir / "report.xml").getroot().find("testsuite")
    assert int(suite.get("tests")) == len(written["checks"]) and int(suite.get("failures")) == 0
    html = (workdir / "report.html").read_text()
    assert html.count('<tr id="') == len(written["checks"]) and 'id="verdict">INCOMPLETE' in html

    stopped = run_json(capsys, "clients", "check", client_id, "--stop")
    assert stopped["ended_at"] is not None


def test_a_failed_must_exits_1_and_names_the_check(workdir, capsys):
    client_id = created(capsys)
    run(capsys, "clients", "check", client_id)
    # What the observer records of a token request with the secret in the URI (RFC 6749 §2.3.1).
    store = open_store(load_settings(None).store)
    details = {"grant_type": "client_credentials", "auth_methods": ["client_secret_post"], "status": 400}
    details |= {"query_params": ["client_id", "client_secret"], "credentials_in_query": ["client_id", "client_secret"]}
    store.add_check_event(CheckEvent(client_id, 1, "token", json.dumps(details)), limit=10)

    code, out, _ = run(capsys, "clients", "report", client_id, "--json")
    report = json.loads(out)
    assert code == 1 and report["summary"]["verdict"] == "FAIL"
    failed = [c["id"] for c in report["checks"] if c["outcome"] == "fail"]
    assert failed == ["RFC6749-2.3.1-not-in-query"]


def test_unknown_clients_and_scenarios_get_one_line(workdir, capsys):
    code, _, err = run(capsys, "clients", "check", "nobody")
    assert code == 2 and err.strip() == "reference-as: no client with client_id 'nobody'"
    code, _, err = run(capsys, "clients", "report", "nobody")
    assert code == 2 and "nobody" in err
    client_id = created(capsys)
    code, _, err = run(capsys, "clients", "report", client_id)
    assert code == 2 and "never been under check" in err
    try:
        main(["clients", "check", client_id, "--scenario", "everything"])
    except SystemExit as stop:  # argparse: the choices are named
        assert stop.code == 2
    assert "invalid choice" in capsys.readouterr().err
