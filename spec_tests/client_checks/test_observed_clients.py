"""A client under check is graded from what it does: the project's own client passes every
observable check, a careless one fails exactly the checks its faults break, and a client not
under check is served as before and not recorded."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from oauth_client.client import OAuthClientError
from reference_as.client_checks.model import FAIL, NO_EVIDENCE, PASS, WARN
from reference_as.client_checks.report import VERDICT_FAIL, VERDICT_PASS
from reference_as.client_checks.scenarios import AUTHORIZATION_TRAPS, SCENARIOS, TRAPS
from spec_tests.conftest import ISSUER

from .conftest import REDIRECT_URI, browser, make_client, own_client, sign_in

TOKEN_URL = ISSUER + "/oauth2/token"


def outcomes_of(report, outcome: str) -> set[str]:
    return {check_id for check_id, seen in report.outcomes().items() if seen == outcome}


def test_the_projects_own_client_passes_every_observable_check(session, checks, secret):
    checks.start("app", "basic")
    client = own_client(session, "app", secret)
    sign_in(client, session)
    assert client.get(ISSUER + "/api/me").status_code == 200
    client.refresh()
    sign_in(client, session)

    report = checks.report("app")
    assert report.verdict == VERDICT_PASS and report.exit_code == 0, report.text()
    assert not outcomes_of(report, FAIL) | outcomes_of(report, WARN), report.text()
    waiting = [r.check.id for r in report.results if r.finding.skip == NO_EVIDENCE]
    assert waiting == [], report.text()
    for check_id in ("RFC9700-4.7.1-csrf", "RFC9700-2.1.1-s256", "RFC6749-4.1.2-code-once", "RFC6750-2-header"):
        assert report.outcomes()[check_id] == PASS, report.text()
    # Evidence, never secrets: no code, token, state or secret appears in what was recorded.
    recorded = " ".join(e.details for e in checks.store.check_events("app"))
    assert secret not in recorded and client.tokens.refresh_token not in recorded
    assert client.tokens.access_token not in recorded


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_projects_own_client_passes_under_every_scenario(session, checks, secret, scenario):
    """As a person would: a sign-in the client refuses is tried again, until one succeeds.
    The resource's one 401 (seed, full) is the client's own business: it refreshes and retries."""
    checks.start("app", scenario)
    trapped = [trap for trap in TRAPS[scenario] if trap in AUTHORIZATION_TRAPS]
    client = own_client(session, "app", secret)
    refused = 0
    while True:
        try:
            sign_in(client, session)
            break
        except OAuthClientError:
            refused += 1
            assert refused <= len(trapped)
    assert refused == len(trapped)
    assert client.get(ISSUER + "/api/me").status_code == 200
    client.refresh()

    report = checks.report("app")
    assert report.verdict == VERDICT_PASS, report.text()
    assert not outcomes_of(report, FAIL) | outcomes_of(report, WARN), report.text()


class CarelessClient:
    """Written to fail: no PKCE, no state at first and then always the same short one, its
    credentials in the token request's URI, the same code twice, no redirect_uri at
    redemption, the access token in the query, a rotated refresh token sent again."""

    def __init__(self, session, client_id: str, secret: str):
        self.session, self.client_id, self.secret = session, client_id, secret

    def authorize(self, **extra) -> str:
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI, **extra}
        location = browser(self.session, ISSUER + "/oauth2/authorize?" + urlencode(params))
        return dict(parse_qsl(urlsplit(location).query)).get("code")

    def refresh(self, refresh_token: str):
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.session.post(TOKEN_URL, data={**form, "client_id": self.client_id, "client_secret": self.secret})

    def redeem(self, code: str, in_query: bool = False, **extra):
        credentials = {"client_id": self.client_id, "client_secret": self.secret}
        form = {"grant_type": "authorization_code", "code": code, **extra}
        if in_query:
            return self.session.post(TOKEN_URL + "?" + urlencode(credentials), data=form)
        return self.session.post(TOKEN_URL, data={**form, **credentials})


def test_a_careless_client_fails_exactly_the_checks_it_should(session, checks, secret):
    checks.start("app", "basic")
    careless = CarelessClient(session, "app", secret)
    careless.authorize()  # no state, no PKCE
    code = careless.authorize(state="abc")
    assert careless.redeem(code, in_query=True, redirect_uri=REDIRECT_URI).status_code == 400
    token = careless.redeem(code, redirect_uri=REDIRECT_URI).json()["access_token"]
    assert careless.redeem(code, redirect_uri=REDIRECT_URI).status_code == 400  # the same code again
    later = careless.authorize(state="abc")
    assert careless.redeem(later).status_code == 400  # no redirect_uri
    session.get(ISSUER + "/api/me", params={"access_token": token})
    fresh = careless.redeem(careless.authorize(state="abc"), redirect_uri=REDIRECT_URI).json()  # the replay revoked
    assert careless.refresh(fresh["refresh_token"]).status_code == 200
    assert careless.refresh(fresh["refresh_token"]).status_code == 400  # rotated: reuse revokes the grant

    report = checks.report("app")
    assert outcomes_of(report, FAIL) == {
        "RFC9700-4.7.1-csrf",
        "RFC6749-10.12-state-unguessable",
        "RFC6749-10.12-state-once",
        "RFC6749-2.3.1-not-in-query",
        "RFC6749-4.1.2-code-once",
        "RFC6749-4.1.3-same-redirect-uri",
    }, report.text()
    assert outcomes_of(report, WARN) == {
        "RFC9700-2.1.1-pkce-confidential",
        "RFC6749-2.3.1-basic",
        "RFC6750-2-header",
        "RFC9700-4.14.2-newest-refresh-token",
    }, report.text()
    assert report.verdict == VERDICT_FAIL and report.exit_code == 1


def test_a_client_not_under_check_is_served_as_before_and_not_recorded(session, checks, secret, clients):
    other_secret = make_client(clients, "other")
    checks.start("app", "full")  # traps for "app" only
    other = own_client(session, "other", other_secret)
    request = other.authorization_request()
    location = browser(session, request.url)
    callback = dict(parse_qsl(urlsplit(location).query))
    assert callback["iss"] == ISSUER and callback["state"] == request.state
    other.exchange_code(other.authorization_response(request, location), request)
    assert other.get(ISSUER + "/api/me").status_code == 200
    assert checks.store.check_events("other") == [] and checks.store.check_events("app") == []


def test_a_redirect_uri_not_registered_exactly_fails_its_check(session, checks, secret):
    """RFC 9700 §4.1.3: one character more (a trailing slash) and the request stops at the
    server's error page (RFC 6749 §4.1.2.1), which the check records as what the client sent."""
    checks.start("app", "basic")
    client = own_client(session, "app", secret)
    request = client.authorization_request(redirect_uri=REDIRECT_URI + "/")
    assert session.get(request.url, allow_redirects=False).status_code == 400
    report = checks.report("app")
    assert report.outcomes()["RFC9700-4.1.3-exact-redirect-uri"] == FAIL
    assert outcomes_of(report, FAIL) == {"RFC9700-4.1.3-exact-redirect-uri"}, report.text()
