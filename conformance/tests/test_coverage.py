"""Coverage is a result: what a run could not exercise is a gap, named with the target line
that closes it, and keeps the verdict from PASS (INCOMPLETE, exit status 3); what the server does
not claim is out of scope. Against servers that leave things out: metadata without
grant_types_supported, a target with no clients, a user whose consent is remembered."""

from conformance.approval import FormDriver
from conformance.discovery import discover, grant_types_of
from conformance.target import ServerConfig, load, parse
from oauth_client.client import OAuthClient
from oauth_client.http import RecordingSession

from .conftest import problems, reference_target_file, run_suite
from .faults import metadata
from .proxy import Fault, json_of
from .servers import ReferenceServer, Workdir

BASIC_CHALLENGE = "rfc6749-5.2-basic-failure-is-401-with-basic-challenge"
CODE_FLOW = (
    "rfc6749-4.1.2-code-and-state-returned",
    "rfc6749-4.1.3-code-exchange-issues-tokens",
    "rfc6749-4.1.2-code-is-single-use",
    "rfc6749-4.1.3-code-bound-to-client",
    "rfc6749-6-refresh-issues-an-access-token",
    "rfc6749-4.4.3-client-credentials-issues-a-token",
)


def _bearer_challenge(request, response):
    """A failed HTTP Basic authentication answered with a Bearer challenge (RFC 6749 §5.2: the scheme
    the client used is Basic)."""
    if (json_of(response) or {}).get("error") == "invalid_client":
        response.headers["WWW-Authenticate"] = 'Bearer realm="stranger"'


def _both(*edits):
    def run(request, response):
        for edit in edits:
            edit(request, response)

    return run


STRANGER = Fault(
    "stranger",
    (BASIC_CHALLENGE,),
    response=_both(metadata(lambda m: m.pop("grant_types_supported")), _bearer_challenge),
)


def test_metadata_without_grant_types_still_covers_the_code_flow_and_reports_the_challenge(bench):
    """A server whose metadata has no grant_types_supported and that answers a failed Basic
    authentication with a Bearer challenge: the code-flow checks run (RFC 8414's default and the
    clients' grant types are assumed, and the run says so), the challenge fails, the exit is 1."""
    report = {}
    code, results, _ = bench.run(STRANGER, "--profile", "rfc6749", report=report)
    assert code == 1
    assert results[BASIC_CHALLENGE]["outcome"] == "fail"
    not_passed = {c: f"{results[c]['outcome']}: {results[c]['message']}" for c in CODE_FLOW}
    assert not {c: why for c, why in not_passed.items() if not why.startswith("pass")}
    assert any("grant_types_supported" in note for note in report["notes"])
    must = report["summary"]["coverage"]["MUST"]
    assert must["ran"] == must["in_scope"] - must["gaps"] and must["ran"] >= 50
    offered = [c["id"] for c in results.values() if "does not offer" in c["message"]]
    assert not offered, offered


def test_a_failure_is_reported_in_a_few_lines_tracebacks_only_with_verbose(bench):
    code, results, output = bench.run(STRANGER, "--check", BASIC_CHALLENGE, subprocess_run=True)
    assert code == 1 and "not a Basic challenge" in output  # the message whole, not masked
    assert "Traceback" not in output and "def check_" not in output and "_ _ _" not in output
    code, _, output = bench.run(STRANGER, "--check", BASIC_CHALLENGE, "-v", subprocess_run=True)
    assert code == 1 and "def check_basic_failure" in output


def test_a_target_with_no_clients_is_incomplete_and_names_the_lines_to_add(reference, workdir):
    target = workdir.path / "no-clients.toml"
    target.write_text(f'[server]\nmetadata_url = "{reference.url}/.well-known/oauth-authorization-server"\n')
    code, results, output = run_suite(target, subprocess_run=True)
    assert code == 3, output
    assert not problems(results)
    assert output.rstrip().endswith("INCOMPLETE")
    for line in ("[clients.confidential] client_id =", "[clients.public] client_id =", "[approval] driver ="):
        assert line in output, line
    gaps = [c for c in results.values() if c["skip"] == "gap"]
    assert gaps and all(c["fix"] for c in gaps)


def test_a_remembered_consent_leaves_the_denial_not_carried_out_never_failed(tmp_path):
    """The suite's user ticked "Remember" for the client: no consent page is shown any more, so the
    form driver cannot deny. The denial check says so (not carried out, with what to change); no
    check fails; the verdict is INCOMPLETE (a MUST could not be run), not FAIL."""
    workdir = Workdir(tmp_path)
    server = ReferenceServer(workdir, auto_approve=False, workers=1)
    try:
        target_path = reference_target_file(tmp_path / "remembered.toml", server, workdir)
        _consent_and_remember(load(target_path))
        code, results, _ = run_suite(target_path, "--profile", "rfc6749")
    finally:
        server.stop()
    assert not problems(results), problems(results)
    denial = results["rfc6749-4.1.2.1-denial-is-access-denied"]
    assert denial["outcome"] == "skip" and denial["skip"] == "gap"
    assert denial["message"].startswith("not carried out") and "remember" in denial["message"]
    assert "[approval] username" in denial["fix"]
    assert code == 3


class _RememberingDriver(FormDriver):
    """The form driver, but the user ticks "Remember this decision" when allowing."""

    def _submit(self, page, form, values):
        if self.config.form.decision in values:
            values = {**values, "remember": "yes"}
        return super()._submit(page, form, values)


def _consent_and_remember(target) -> None:
    with RecordingSession() as agent:
        server = discover(target.server, agent, list(target.clients.values()))
        client = OAuthClient(target.clients["confidential"], server.endpoints, agent)
        request = client.authorization_request()
        landing = _RememberingDriver(target.approval, agent).run(request.url, request.redirect_uri)
        assert "code" in landing.params and landing.decided


# -- what the suite takes the server to offer ---------------------------------------------------------


def _clients(*grants):
    table = {"confidential": {"client_id": "a", "client_secret": "b", "grant_types": list(grants)}}
    return list(parse({"server": {"metadata_url": "https://as.example/m"}, "clients": table}).clients.values())


def test_target_grant_types_override_the_metadata():
    config = ServerConfig(metadata_url="https://as.example/m", grant_types=("client_credentials",))
    grants, notes = grant_types_of(config, {"grant_types_supported": ["authorization_code"]}, [])
    assert grants == ("client_credentials",) and notes


def test_without_grant_types_supported_the_default_and_the_clients_grants_are_assumed_and_said():
    config = ServerConfig(metadata_url="https://as.example/m")
    grants, notes = grant_types_of(config, {"issuer": "https://as.example"}, _clients("client_credentials"))
    assert set(grants) == {"authorization_code", "implicit", "client_credentials"}
    assert notes and "grant_types_supported" in notes[0]


def test_the_metadata_grant_types_are_taken_as_they_are():
    config = ServerConfig(metadata_url="https://as.example/m")
    grants, notes = grant_types_of(config, {"grant_types_supported": ["authorization_code"]}, _clients("refresh_token"))
    assert grants == ("authorization_code",) and not notes
