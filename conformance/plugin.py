"""The pytest plugin: the suite's engine.

    pytest conformance/checks --target=target.toml [--profile=pkce] [-k refresh]

(`oauth-conformance run` calls the same.) It reads the target file, offers the
fixtures the checks ask for, selects checks by profile, turns each pytest
outcome into a conformance result (a failed SHOULD is a warning; a skip keeps
its reason; a check that could not be carried out is an error), keeps the
HTTP exchanges of every check for the reports, prints the summary grouped by
RFC section, and sets the exit status: 0 when every MUST passed, 1 otherwise.

Fixtures: `target`, `masker`, `http` (the recording session), `server` (metadata
and endpoints), `metadata`, `jwks`, the clients `confidential`, `second` and
`public` (each a fresh `client.OAuthClient`), `driver` (the approval driver),
`cc_tokens` (one client credentials token set for the whole run).
"""

import sys
import time

import pytest
import requests

from . import steps
from . import target as target_module
from .approval import make_driver
from .client import OAuthClient, OAuthClientError
from .discovery import Server, discover
from .expect import json_object
from .http import Recorder, RecordingSession
from .marks import CHECKS, DEFAULT_PROFILES, PROFILES, check_of
from .masking import Masker
from .outcomes import CheckFailed, Unverifiable, not_configured
from .report import html as html_report
from .report import terminal
from .results import ERROR, PASS, SKIP, Result, Results, failed_outcome

TARGET = pytest.StashKey[target_module.Target]()
RESULTS = pytest.StashKey[Results]()
RECORDER = pytest.StashKey[Recorder]()
MASKER = pytest.StashKey[Masker]()
STARTED = pytest.StashKey[dict]()


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
    path = config.getoption("target", None)
    if path:
        try:
            target = target_module.load(path)
        except target_module.TargetError as error:
            raise pytest.UsageError(str(error)) from None
        config.stash[TARGET] = target
        config.stash[MASKER] = Masker(target.secrets())
    else:
        config.stash[MASKER] = Masker()


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
    unknown = [check_id for check_id in wanted_ids if check_id not in CHECKS]
    if unknown:
        raise pytest.UsageError(f"unknown check id {unknown[0]!r} (oauth-conformance list shows them all)")
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


def _skip_reason(report) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


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
        result = Result(spec, SKIP, _skip_reason(report), duration)
    elif report.failed and not (report.when == "teardown" and previous and previous.outcome != PASS):
        if _is_error(call.excinfo, report.when):
            message = _message(call.excinfo)
            if not message.startswith("could not run"):
                message = f"could not run ({report.when}): {message}"
            result = Result(spec, ERROR, message, duration)
        else:
            result = Result(spec, failed_outcome(spec.level), _message(call.excinfo), duration)
            if result.outcome != "fail":  # a SHOULD/MAY not met: a warning, not a failure
                report.outcome = "skipped"
                report.longrepr = (str(item.path), item.location[1] or 0, f"WARNING [{spec.level}] {result.message}")
    elif report.when == "call" and report.passed:
        result = Result(spec, PASS, "", duration)
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
            ]
        )
    return report


def pytest_report_teststatus(report, config):
    """A warning gets its own letter (W); in the CLI's progress mode no letters at all."""
    outcome = getattr(report, "conformance_outcome", None)
    quiet = config.getoption("conformance_progress")
    if outcome == "warn":
        return "warned", "" if quiet else "W", "WARN"
    if quiet and outcome is not None:
        return report.outcome, "", report.outcome.upper()
    return None


def pytest_collection_finish(session):
    session.config.stash[STARTED]["total"] = len(session.items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    outcome = yield
    config = item.config
    if config.getoption("conformance_progress") and sys.stderr.isatty():
        results = config.stash[RESULTS]
        result = results.get(item.nodeid)
        name = result.check.id if result else item.nodeid
        total = config.stash[STARTED].get("total", 0)
        sys.stderr.write(f"\r\033[K[{len(results.all):>3}/{total}] {name[:100]}")
        sys.stderr.flush()
    return outcome


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if config.getoption("conformance_progress") and sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    if TARGET not in config.stash:
        return
    results, target, masker = config.stash[RESULTS], config.stash[TARGET], config.stash[MASKER]
    results.finished = time.time()
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
        not_configured("no target file (--target=FILE)")
    return pytestconfig.stash[TARGET]


@pytest.fixture(scope="session")
def masker(pytestconfig) -> Masker:
    return pytestconfig.stash[MASKER]


@pytest.fixture(scope="session")
def http(pytestconfig, target) -> RecordingSession:
    with RecordingSession(pytestconfig.stash[RECORDER], target.server.timeout) as session:
        yield session


@pytest.fixture(scope="session")
def server(target, http) -> Server:
    return discover(target.server, http)


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
        not_configured(f"no [clients.{role}] in the target file")
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
        not_configured("no approval driver ([approval] driver = auto, form, browser or manual)")
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
    not_configured("no client with the authorization_code grant and a redirect_uri")


@pytest.fixture(scope="session")
def cc_tokens(target, server, http, masker):
    """One client credentials token set of the confidential client, shared by the checks
    that only inspect a token."""
    server.need_grant("client_credentials")
    client = _client(target, server, http, masker, "confidential")
    if "client_credentials" not in client.config.grant_types:
        not_configured("the confidential client's grant_types lack client_credentials")
    return client.client_credentials()
