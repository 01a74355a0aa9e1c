"""The playground's walk-throughs in-process, through its pages: each variant records the steps
it ran with their RFC sections; the callback refuses what it did not ask for."""

from reference_as.playground.lab import CONFIDENTIAL_ID, PUBLIC_ID


def kinds(run: dict) -> list[str]:
    return [step.kind for step in run["steps"]]


def test_the_confidential_walk_through_records_every_step_and_opens_the_token(pages):
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    run = pages.last_run()
    assert run["outcome"] == "Authorized" and run["ok"]
    assert kinds(run) == ["metadata", "authorization_request", "authorization_response", "code_exchange", "jwks"]
    exchange = run["steps"][3]
    assert exchange.sections == ["RFC 6749 §4.1.3", "RFC 7636 §4.5"]
    assert f"Authorization: Basic base64({CONFIDENTIAL_ID}:…" in exchange.request
    assert exchange.decoded["verified"] and '"typ": "at+jwt"' in exchange.decoded["header"]
    page = pages.web.get("/")
    assert 'id="authorized">Authorized</span>' in page.text
    assert 'href="https://www.rfc-editor.org/rfc/rfc7636#section-4.5"' in page.text


def test_the_public_client_variant_sends_no_secret_only_its_client_id_and_the_verifier(pages):
    pages.connect(PUBLIC_ID)
    page = pages.web.get("/")
    assert 'id="client-credentials-button"' not in page.text  # no credentials, no such grant
    pages.authorize()
    exchange = next(step for step in pages.last_run()["steps"] if step.kind == "code_exchange")
    assert "Authorization:" not in exchange.request
    assert f"&client_id={PUBLIC_ID}" in exchange.request and "&code_verifier=…" in exchange.request
    assert pages.last_run()["ok"]


def test_the_client_credentials_variant_gets_a_token_without_a_user_or_a_refresh_token(pages):
    pages.connect(CONFIDENTIAL_ID)
    pages.post("/client-credentials", status=303)
    run = pages.last_run()
    assert kinds(run) == ["metadata", "client_credentials", "jwks"] and run["ok"]
    assert run["steps"][1].sections == ["RFC 6749 §4.4.2"]
    assert '"sub": "demo-confidential"' in run["steps"][1].decoded["claims"]
    assert pages.store.read()["tokens"]["refresh_token"] is None
    pages.post("/resource", status=303)
    assert kinds(pages.last_run()) == ["resource"]


def test_a_callback_nobody_asked_for_is_an_invalid_oauth_state_and_stores_nothing(pages):
    pages.connect(CONFIDENTIAL_ID)
    before = pages.store.path.read_bytes()
    page = pages.web.get("/callback?code=forged&state=forged", status=400)
    assert "<h1>Invalid OAuth state</h1>" in page.text
    assert pages.store.path.read_bytes() == before


def test_a_callback_with_another_state_is_refused_and_the_pending_request_still_stands(pages):
    pages.connect(CONFIDENTIAL_ID)
    leave = pages.post("/authorize", status=303)
    _, query = pages.lab.browser(leave.location)
    tampered = query.replace("state=", "state=x", 1)
    assert "<h1>Invalid OAuth state</h1>" in pages.web.get("/callback?" + tampered, status=400).text
    assert "tokens" not in pages.store.read()
    pages.web.get("/callback?" + query, status=303)  # the genuine answer still completes the flow
    assert pages.last_run()["outcome"] == "Authorized"


def test_a_refused_code_exchange_says_oauth2_authorization_failed_with_the_servers_error(pages):
    pages.connect(CONFIDENTIAL_ID)
    leave = pages.post("/authorize", status=303)
    _, query = pages.lab.browser(leave.location)
    with pages.store.editing() as document:  # the verifier lost: the server must refuse the code
        document["pending"]["code_verifier"] = "x" * 64
    page = pages.web.get("/callback?" + query, status=400)
    assert "<h1>OAuth2 authorization failed</h1>" in page.text
    assert "invalid_grant" in page.text
    assert "tokens" not in pages.store.read()


def test_a_form_posted_from_another_site_is_refused(pages):
    pages.connect(CONFIDENTIAL_ID)
    pages.post("/authorize", headers={"Sec-Fetch-Site": "cross-site"}, status=403)
    pages.post("/authorize", headers={"Origin": "https://attacker.example"}, status=403)
    pages.post("/authorize", headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"}, status=303)


def test_the_connection_form_names_what_is_missing(pages):
    page = pages.post("/connection", {"metadata_url": "not a url", "client_type": "confidential"}, status=400)
    problems = page.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Server metadata URL" in problems and "Client ID" in problems and "Client secret" in problems


def test_a_server_that_cannot_be_reached_is_reported_in_the_step_view(pages):
    form = {**pages.lab.connection_form(CONFIDENTIAL_ID), "metadata_url": "http://127.0.0.1:9/.well-known/x"}
    pages.post("/connection", form, status=303)
    assert pages.post("/authorize", status=303).location.endswith("/#steps")
    run = pages.last_run()
    assert not run["ok"]
    assert (
        run["outcome"]
        == "OAuth2 authorization failed: could not reach http://127.0.0.1:9/.well-known/x (ConnectionError)"
    )
    assert "tokens" not in pages.store.read() and "pending" not in pages.store.read()
