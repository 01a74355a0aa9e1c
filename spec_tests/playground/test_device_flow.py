"""The playground's Device flow (RFC 8628) in-process, through its pages: the user code shown,
each poll a step with its section, the tokens once the person allowed."""

import json

import pytest

from reference_as.playground.lab import PUBLIC_ID
from reference_as.policy import secrets


def kinds(run: dict) -> list[str]:
    return [step.kind for step in run["steps"]]


@pytest.mark.requirement("RFC8628-3.2")
@pytest.mark.requirement("RFC8628-3.5")
def test_the_device_flow_shows_the_user_code_and_each_poll_until_the_tokens(pages):
    pages.connect(PUBLIC_ID)
    pages.post("/device", status=303)
    run = pages.last_run()
    assert kinds(run) == ["metadata", "device_authorization"] and run["ok"]
    device = pages.walkthrough.view()["device"]
    page = pages.web.get("/")
    assert f'id="device-user-code">{device["user_code"]}</p>' in page.text
    assert f'href="{device["verification_uri_complete"]}"' in page.text
    assert "device_code" not in device  # the page never gets the device code

    pages.post("/device/poll", status=303)
    pending = pages.last_run()
    assert kinds(pending) == ["device_pending"] and pending["ok"] and pending["steps"][0].ok
    assert "&device_code=…" in pending["steps"][0].request  # a credential: masked
    pages.post("/device/poll", status=303)
    assert kinds(pages.last_run()) == ["device_slow_down"]
    assert pages.walkthrough.view()["device"]["interval"] == 10

    pages.lab.approve_device(pages.walkthrough)
    pages.lab.clock.advance(10)
    pages.post("/device/poll", status=303)
    done = pages.last_run()
    assert kinds(done) == ["device_code", "jwks"] and done["ok"]
    assert done["steps"][0].decoded["verified"]
    view = pages.walkthrough.view()
    assert view["authorized"] and view["tokens"]["grant"] == "urn:ietf:params:oauth:grant-type:device_code"
    assert view["device"] is None


def test_the_device_code_is_sealed_at_rest(pages):
    pages.connect(PUBLIC_ID)
    pages.post("/device", status=303)
    stored = json.loads(pages.store.path.read_text())
    assert set(stored["device"]["device_code"]) == {"sealed", "cipher"}
    assert pages.store.read()["device"]["device_code"]  # and opens again


def test_a_denied_device_flow_ends_with_access_denied(pages):
    pages.connect(PUBLIC_ID)
    pages.post("/device", status=303)
    device_code = pages.store.read()["device"]["device_code"]
    # The lab's server approves whatever is opened at /device: the refusal is recorded directly.
    pages.lab.store.decide_device_authorization(secrets.hash_secret(device_code), pages.lab.clock.now(), None)
    pages.post("/device/poll", status=303)
    run = pages.last_run()
    assert not run["ok"] and "access_denied" in run["outcome"]
    assert pages.walkthrough.view()["device"] is None


def test_polling_without_a_device_code_says_what_to_do_first(pages):
    pages.connect(PUBLIC_ID)
    pages.post("/device/poll", status=303)
    assert not pages.last_run()["ok"]
