"""The pytest plugin: the suite's engine.

    pytest conformance/checks --target=target.toml [--profile=pkce] [-k refresh]

(`oauth-conformance run` calls the same.) It reads the target file, checks
that the server answers and each client authenticates before anything else
(`preflight.py`; the run stops with one message naming the field if not),
offers the fixtures the checks ask for, selects checks by profile, turns each
pytest outcome into a conformance result (a failed SHOULD is a warning, a
failed ADVICE check is advice; a skip keeps its reason, its kind and the
target line that would close a gap; a check that could not be carried out is
an error), keeps the HTTP exchanges of every check for the reports, prints
the summary grouped by RFC section, and sets the exit status: 0 PASS, 1 FAIL,
3 INCOMPLETE (`results.py`).

Fixtures: `target`, `masker`, `http` (the recording session), `server` (metadata
and endpoints), `metadata`, `jwks`, the clients `confidential`, `second` and
`public` (each a fresh `client.OAuthClient`), `driver` (the approval driver),
`cc_tokens` (one client credentials token set for the whole run), `progress`
(the live progress line: `progress.wait(seconds, what)` counts down), `tell`
(what a passing check says of itself), `resource` and `resource_token` (the
target's protected resource, and an access token for it).
"""

import sys
import time

import pytest
import requests

from oauth_client.client import OAuthClient, OAuthClientError
from oauth_client.http import Recorder, RecordingSession
from oauth_client.masking import Masker

from . import fixes, preflight, steps
from . import target as target_module
from .approval import make_driver
from .checks import load_all
from .discovery import Server, discover
from .expect import json_object
from .marks import CHECKS, DEFAULT_PROFILES, PROFILES, check_of
from .outcomes import NOT_CLAIMED, CheckFailed, Skip, Unverifiable, not_configured
from .progress import Progress
from .report import html as html_report
from .report import terminal
from .results import ERROR, PASS, SKIP, Result, Results, failed_outcome

TARGET = pytest.StashKey[target_module.Target]()
RESULTS = pytest.StashKey[Results]()
RECORDER = pytest.StashKey[Recorder]()
MASKER = pytest.StashKey[Masker]()
STARTED = pytest.StashKey[dict]()
PROGRESS = pytest.StashKey[Progress]()
REMARK = pytest.StashKey[str]()


# -- options and configuration ------------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "OAuth 2.0 conformance suite")
    group.addoption("--target", metavar="FILE", help="the target file (TOML): server, clients, approval driver")
    group.addoption(
        "--profile",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run these profiles only (repeat or comma-separate): {', '.join(PROFILES)}; "
        "'all' for every one; default: all but slow and seed",
    )
    group.addoption("--check", action="append", default=[], metavar="ID", help="run this check only (repeatable)")
    group.addoption("--conformance-json", metavar="FILE", help="write the results as JSON")
    group.addoption("--conformance-html", metavar="FILE", help="write the results as one HTML page")
    group.addoption(
        "--conformance-progress",
        action="store_true",
        help="a live progress line instead of pytest's dots (the CLI's mode)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "conformance(check): a conformance check (see conformance/marks.py)")
    config.stash[RESULTS] = Results()
    config.stash[RECORDER] = Recorder()
    config.stash[STARTED] = {}
    config.stash[PROGRESS] = Progress(bool(config.getoption("conformance_progress", False)))
    path = config.getoption("target", None)
    if path:
        try:
            target = target_module.load(path)
        except target_module.TargetError as error:
            raise pytest.UsageError(str(error)) from None
        config.stash[TARGET] = target
        config.stash[MASKER] = Masker(target.secrets())
        selected_profiles(config)  # an unknown profile or check id is refused before the server is asked
        load_all()
        unknown = [check_id for check_id in config.getoption("check") if check_id not in CHECKS]
        if unknown:
            raise pytest.UsageError(f"unknown check id {unknown[0]!r} (oauth-conformance list shows them all)")
    else:
        config.stash[MASKER] = Masker()


def pytest_sessionstart(session):
    """Preflight: the server answers, every configured client authenticates."""
    config = session.config
    if TARGET not in config.stash:
        return
    target = config.stash[TARGET]
    with RecordingSession(None, target.server.timeout) as probe:
        try:
            preflight.run(target, probe)
        except preflight.PreflightError as error:
            raise pytest.UsageError(str(error)) from None


def selected_profiles(config) -> tuple[str, ...]:
    names = [name.strip() for option in config.getoption("profile") for name in option.split(",") if name.strip()]
    if not names:
        return DEFAULT_PROFILES
    if "all" in names:
        return PROFILES
    unknown = [name for name in names if name not in PROFILES]
    if unknown:
        raise pytest.UsageError(f"unknown profile {unknown[0]!r}; profiles: {', '.join(PROFILES)}")
    return tuple(names)


def pytest_collection_modifyitems(config, items):
    wanted_ids = config.getoption("check")
    profiles = set(selected_profiles(config))
    keep, drop = [], []
    for item in items:
        spec = check_of(item)
        if spec is None:
            keep.append(item)
        elif wanted_ids:
            (keep if spec.id in wanted_ids else drop).append(item)
        else:
            (keep if profiles & set(spec.profiles) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# -- results ------------------------------------------------------------------------------------


def _message(excinfo) -> str:
    error = excinfo.value
    if isinstance(error, CheckFailed):
        return str(error)
    if isinstance(error, AssertionError):
        return str(error).split("\nassert ")[0].strip() or "assertion failed"
    if isinstance(error, Unverifiable | OAuthClientError):
        return f"could not run: {error}"
    if isinstance(error, requests.RequestException):
        return f"the server did not answer: {type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}"


def _is_error(excinfo, when: str) -> bool:
    """A check that could not be carried out, rather than a requirement shown broken."""
    if when != "call":
        return True
    return not isinstance(excinfo.value, AssertionError)


def _skipped(spec, report, error, duration) -> Result:
    if isinstance(error, Skip):
        return Result(spec, SKIP, error.reason, duration, skip_kind=error.kind, fix=error.fix)
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return Result(spec, SKIP, reason.removeprefix("Skipped: "), duration, skip_kind=NOT_CLAIMED)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.config.stash[RECORDER].start()
    item.config.stash[STARTED][item.nodeid] = time.monotonic()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    spec = check_of(item)
    if spec is None:
        return report
    results = item.config.stash[RESULTS]
    previous = results.get(item.nodeid)
    duration = time.monotonic() - item.config.stash[STARTED].get(item.nodeid, time.monotonic())
    result = None
    if report.skipped and call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
        result = _skipped(spec, report, call.excinfo.value, duration)
    elif report.failed and not (report.when == "teardown" and previous and previous.outcome != PASS):
        if _is_error(call.excinfo, report.when):
            message = _message(call.excinfo)
            if not message.startswith("could not run"):
                message = f"could not run ({report.when}): {message}"
            result = Result(spec, ERROR, message, duration)
        else:
            result = Result(spec, failed_outcome(spec.level), _message(call.excinfo), duration)
            if result.outcome != "fail":  # a SHOULD/MAY/ADVICE not met: reported, the run does not fail
                report.outcome = "skipped"
                label = "ADVICE" if result.outcome == "advice" else f"WARNING [{spec.level}]"
                report.longrepr = (str(item.path), item.location[1] or 0, f"{label} {result.message}")
    elif report.when == "call" and report.passed:
        result = Result(spec, PASS, item.stash.get(REMARK, ""), duration)
    if result is not None:
        result.exchanges = list(item.config.stash[RECORDER].exchanges)
        results.record(item.nodeid, result)
        report.conformance_outcome = result.outcome
        item.user_properties.extend(
            [
                ("check", spec.id),
                ("requirement", spec.requirement.id),
                ("level", spec.level),
                ("outcome", result.outcome),
                *([("skip", result.skip_kind)] if result.skip_kind else []),
                *([("fix", result.fix)] if result.fix else []),
            ]
        )
    return report


def pytest_report_teststatus(report, config):
    """A warning gets its own letter (W), advice A; in the CLI's progress mode no letters at all."""
    outcome = getattr(report, "conformance_outcome", None)
    quiet = config.getoption("conformance_progress")
    if outcome == "warn":
        return "warned", "" if quiet else "W", "WARN"
    if outcome == "advice":
        return "advised", "" if quiet else "A", "ADVICE"
    if quiet and outcome is not None:
        return report.outcome, "", report.outcome.upper()
    return None


def pytest_collection_finish(session):
    session.config.stash[PROGRESS].total = len(session.items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    progress = item.config.stash[PROGRESS]
    spec = check_of(item)
    progress.start(spec.id if spec else item.nodeid)
    outcome = yield
    progress.finish()
    return outcome


def _write_junit_properties(config, results: Results) -> None:
    """The verdict and the coverage by level, as properties of the JUnit test suite."""
    from _pytest.junitxml import xml_key

    xml = config.stash.get(xml_key, None)
    if xml is None:
        return
    xml.add_global_property("verdict", results.verdict)
    for level, counts in results.coverage().items():
        if counts["in_scope"] or counts["not_claimed"]:
            xml.add_global_property(f"coverage.{level}", f"{counts['ran']}/{counts['in_scope']} ran")
    for fix, gaps in results.fixes():
        xml.add_global_property("gap", f"{fix} -> {', '.join(r.check.id for r in gaps)}")
    for note in results.notes:
        xml.add_global_property("note", note)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    config = session.config
    config.stash[PROGRESS].clear()
    if TARGET not in config.stash:
        return
    results, target, masker = config.stash[RESULTS], config.stash[TARGET], config.stash[MASKER]
    results.finished = time.time()
    _write_junit_properties(config, results)
    if config.getoption("conformance_json"):
        results.write_json(config.getoption("conformance_json"), target, masker)
    if config.getoption("conformance_html"):
        html_report.write(config.getoption("conformance_html"), results, target, masker)
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = results.exit_code


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if TARGET in config.stash and config.stash[RESULTS].all:
        terminal.write(terminalreporter, config.stash[RESULTS], config.stash[MASKER])


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def target(pytestconfig) -> target_module.Target:
    if TARGET not in pytestconfig.stash:
        not_configured("no target file", "--target=FILE")
    return pytestconfig.stash[TARGET]


@pytest.fixture(scope="session")
def masker(pytestconfig) -> Masker:
    return pytestconfig.stash[MASKER]


@pytest.fixture(scope="session")
def progress(pytestconfig) -> Progress:
    return pytestconfig.stash[PROGRESS]


@pytest.fixture
def tell(request):
    """tell(text): what a passing check says of itself in the reports ("30 rounds, no double win")."""

    def say(text: str) -> None:
        request.node.stash[REMARK] = text

    return say


@pytest.fixture(scope="session")
def http(pytestconfig, target) -> RecordingSession:
    with RecordingSession(pytestconfig.stash[RECORDER], target.server.timeout) as session:
        yield session


@pytest.fixture(scope="session")
def server(pytestconfig, target, http) -> Server:
    found = discover(target.server, http, list(target.clients.values()))
    for note in found.notes:
        pytestconfig.stash[RESULTS].note(note)
    return found


@pytest.fixture
def metadata(server) -> dict:
    return server.need_metadata()


@pytest.fixture(scope="session")
def jwks(server, http) -> dict:
    url = server.need_endpoint("jwks")
    response = http.get(url)
    body = json_object(response)
    if response.status_code != 200 or body is None or not isinstance(body.get("keys"), list):
        raise Unverifiable(f"the JWK Set at {url} answered HTTP {response.status_code} without a 'keys' list")
    return body


def _client(target, server, http, masker, role: str) -> OAuthClient:
    config = target.clients.get(role)
    if config is None:
        not_configured(f"no [clients.{role}] in the target file", fixes.client(role))
    return OAuthClient(config, server.endpoints, http, on_token=masker.add)


@pytest.fixture(scope="session")
def clients(target, server, http, masker):
    """clients("second") -> a fresh OAuthClient of that role (for module- and session-scoped fixtures)."""
    return lambda role: _client(target, server, http, masker, role)


@pytest.fixture
def confidential(target, server, http, masker) -> OAuthClient:
    return _client(target, server, http, masker, "confidential")


@pytest.fixture
def second(target, server, http, masker) -> OAuthClient:
    return _client(target, server, http, masker, "second")


@pytest.fixture
def public(target, server, http, masker) -> OAuthClient:
    return _client(target, server, http, masker, "public")


def _ask(config):
    def ask(prompt: str) -> str:
        capture = config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            sys.stdout.write(prompt)
            sys.stdout.flush()
            return sys.stdin.readline()

    return ask


@pytest.fixture(scope="session")
def driver(pytestconfig, target):
    agent = RecordingSession(pytestconfig.stash[RECORDER], target.server.timeout, "oauth-conformance user agent")
    made = make_driver(target.approval, agent, _ask(pytestconfig))
    if made is None:
        not_configured("no approval driver: nobody plays the user", fixes.driver())
    yield made
    if hasattr(made, "close"):
        made.close()
    agent.close()


@pytest.fixture
def code_client(target, server, clients) -> OAuthClient:
    """The first client configured for the authorization code grant (confidential, public, second)."""
    for role in ("confidential", "public", "second"):
        config = target.clients.get(role)
        if config and "authorization_code" in config.grant_types and config.redirect_uri:
            return steps.ready_for(server, clients(role), "authorization_code")
    not_configured("no client with the authorization_code grant and a redirect_uri", fixes.code_client(target.clients))


@pytest.fixture
def resource(target):
    """The target's protected resource (RFC 6750 checks), else a gap."""
    if target.resource is None:
        not_configured("no [resource] url in the target file", fixes.resource())
    return target.resource


@pytest.fixture
def resource_token(resource, server, target, clients, request) -> str:
    """An access token with the scope the resource needs."""
    try:
        return steps.access_token(server, target, clients, request, resource.scope)
    except OAuthClientError as error:
        raise Unverifiable(f"no access token for the resource: {error}") from None


@pytest.fixture(scope="session")
def cc_tokens(target, server, http, masker):
    """One client credentials token set of the confidential client, shared by the checks
    that only inspect a token."""
    server.need_grant("client_credentials")
    client = _client(target, server, http, masker, "confidential")
    if "client_credentials" not in client.config.grant_types:
        not_configured(
            "the confidential client's grant_types lack client_credentials",
            fixes.grant(client.config, "client_credentials"),
        )
    return client.client_credentials()
