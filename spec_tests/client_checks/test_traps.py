"""The `security` scenario's traps, for the client under check alone: an authorization
response naming another issuer (RFC 9207 §2.4), then one whose state is not the one sent
(RFC 6749 §10.12). A careful client rejects both and redeems neither code; a client that
checks neither redeems both and fails both checks."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from oauth_client.client import InvalidState, OAuthClientError
from reference_as.client_checks.model import FAIL, PASS, WARN
from reference_as.client_checks.report import VERDICT_FAIL, VERDICT_PASS
from reference_as.client_checks.traps import FOREIGN_ISSUER, SHORT_LIFE
from spec_tests.conftest import ISSUER

from .conftest import browser, own_client, sign_in

TRAP_CHECKS = ("RFC9207-2.4-iss-mix-up", "RFC6749-10.12-state-checked")
RETRY = "SEED000-retry-once-after-401"
REFRESH = "SEED000-refresh-before-expiry"
ME = ISSUER + "/api/me"


def callback(location: str) -> dict:
    return dict(parse_qsl(urlsplit(location).query))


def test_the_projects_own_client_rejects_both_trapped_responses(session, checks, secret):
    checks.start("app", "security")
    client = own_client(session, "app", secret)

    mixed_up = client.authorization_request()
    location = browser(session, mixed_up.url)
    assert callback(location)["iss"] == FOREIGN_ISSUER
    with pytest.raises(OAuthClientError, match="RFC 9207"):
        client.authorization_response(mixed_up, location)

    forged = client.authorization_request()
    location = browser(session, forged.url)
    assert callback(location)["state"] != forged.state and callback(location)["iss"] == ISSUER
    with pytest.raises(InvalidState):
        client.authorization_response(forged, location)

    sign_in(client, session)  # the traps are spent: served normally
    assert client.get(ISSUER + "/api/me").status_code == 200
    report = checks.report("app")
    assert {check_id: report.outcomes()[check_id] for check_id in TRAP_CHECKS} == dict.fromkeys(TRAP_CHECKS, PASS)
    assert report.verdict == VERDICT_PASS, report.text()


def test_a_client_that_checks_neither_iss_nor_state_fails_both_traps(session, checks, secret):
    checks.start("app", "security")
    client = own_client(session, "app", secret)
    for _ in TRAP_CHECKS:
        request = client.authorization_request()
        client.exchange_code(callback(browser(session, request.url))["code"], request)  # no look at iss or state

    report = checks.report("app")
    assert {check_id: report.outcomes()[check_id] for check_id in TRAP_CHECKS} == dict.fromkeys(TRAP_CHECKS, FAIL)
    assert report.verdict == VERDICT_FAIL and report.exit_code == 1


def test_the_seed_scenario_springs_the_state_trap_only(session, checks, secret):
    checks.start("app", "seed")
    client = own_client(session, "app", secret)
    request = client.authorization_request()
    location = browser(session, request.url)
    assert callback(location)["iss"] == ISSUER and callback(location)["state"] != request.state


def test_one_401_for_a_valid_token_then_the_client_refreshes_and_retries_once(session, checks, secret):
    checks.start("app", "seed")
    client = own_client(session, "app", secret)
    request = client.authorization_request()
    location = browser(session, request.url)
    with pytest.raises(InvalidState):  # the seed scenario's state trap comes first
        client.authorization_response(request, location)
    sign_in(client, session)
    first = client.tokens.access_token
    refused = session.get(ME, headers={"Authorization": f"Bearer {first}"})
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert session.get(ME, headers={"Authorization": f"Bearer {first}"}).status_code == 200  # once only
    assert checks.report("app").outcomes()[RETRY] == WARN  # called again without refreshing

    checks.stop("app")
    checks.start("app", "seed")
    with pytest.raises(InvalidState):  # a new check: its state trap again
        sign_in(client, session)
    sign_in(client, session)
    assert client.get(ME).status_code == 200  # 401, refresh, retry: OAuthClient.request
    assert checks.report("app").outcomes()[RETRY] == PASS


def test_short_lived_tokens_the_own_client_refreshes_in_time_a_careless_call_is_refused(session, checks, secret, clock):
    checks.start("app", "seed")
    client = own_client(session, "app", secret, clock)
    with pytest.raises(InvalidState):  # the seed scenario's state trap
        sign_in(client, session)
    sign_in(client, session)
    assert client.tokens.expires_at == clock.now() + SHORT_LIFE  # announced short (RFC 6749 §5.1)
    assert client.get(ME).status_code == 200  # the one 401, a refresh, the retry
    clock.advance(SHORT_LIFE - 40)  # within the client's 60 s margin: it refreshes before the call
    assert client.get(ME).status_code == 200
    assert checks.report("app").outcomes()[REFRESH] == PASS

    stale = client.tokens.access_token
    clock.advance(SHORT_LIFE)  # announced life over: the token itself would still be valid
    refused = session.get(ME, headers={"Authorization": f"Bearer {stale}"})
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert checks.report("app").outcomes()[REFRESH] == WARN
