"""The playground's "Sign in with OpenID Connect": the ID Token checked step by step
(OpenID Connect Core §3.1.3.7-3.1.3.8), then UserInfo (§5.3), each check shown."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from reference_as.playground.lab import CONFIDENTIAL_ID


def sign_in(pages):
    leave = pages.post("/sign-in", status=303)
    assert "nonce=" in leave.location and "scope=openid+profile+email" in leave.location
    _, query = pages.lab.browser(leave.location)
    return pages.web.get("/callback?" + query, expect_errors=True)


def checks(step) -> dict:
    return {check["name"]: check["ok"] for check in step.checks}


def test_sign_in_checks_the_id_token_step_by_step_then_userinfo(pages):
    pages.connect(CONFIDENTIAL_ID)
    assert sign_in(pages).status_int == 303
    run = pages.last_run()
    assert run["ok"] and run["outcome"] == "Signed in as Demo User"
    kinds = [step.kind for step in run["steps"]]
    assert kinds == [
        "metadata", "oidc_request", "authorization_response", "oidc_code_exchange", "jwks", "id_token", "userinfo",
        "userinfo_sub",
    ]  # fmt: skip
    id_token = run["steps"][5]
    assert checks(id_token) == dict.fromkeys(("signature", "iss", "aud", "exp", "iat", "nonce", "at_hash"), True)
    assert id_token.decoded["what"] == "The ID Token" and '"typ": "JWT"' in id_token.decoded["header"]
    assert checks(run["steps"][7]) == {"sub": True}
    page = pages.web.get("/")
    assert 'id="sign-in-button"' in page.text and "IDTokenValidation" in page.text
    assert '<table class="checks">' in page.text and "FAILED" not in page.text


def test_an_id_token_with_another_nonce_fails_that_check_and_the_sign_in(pages):
    """The browser's request is altered on its way to the server (a swapped nonce): the
    token verifies, but its nonce is not the one the playground sent."""
    server = pages.lab.server

    def swap_nonce(environ, start_response):
        if environ["PATH_INFO"] == "/oauth2/authorize":
            query = dict(parse_qsl(environ["QUERY_STRING"]))
            environ["QUERY_STRING"] = urlencode({**query, "nonce": "someone-elses-nonce"})
        return server(environ, start_response)

    pages.lab.adapter.app = swap_nonce
    pages.connect(CONFIDENTIAL_ID)
    failed = sign_in(pages)
    assert failed.status_int == 400 and "nonce" in failed.text
    run = pages.last_run()
    assert not run["ok"]
    id_token = next(step for step in run["steps"] if step.kind == "id_token")
    assert checks(id_token)["nonce"] is False and checks(id_token)["signature"] is True
    assert "userinfo" not in [step.kind for step in run["steps"]]
    assert urlsplit(failed.request.url).path == "/callback"
