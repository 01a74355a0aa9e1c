"""RFC 8628 §5.1: guessing user codes is limited, per address and per device code."""

import pytest

from spec_tests.helpers import device_poll, enter_user_code


def unknown_codes(device, n: int) -> list[str]:
    """n well-formed user codes that are not the device's."""
    codes = [letter * 8 for letter in "BCDFGHJKLMNPQRSTVWXZ"]
    return [code for code in codes if code != device["user_code"].replace("-", "")][:n]


@pytest.mark.requirement("RFC8628-5.1")
def test_an_address_that_entered_too_many_unknown_codes_must_wait_and_is_told_how_long(
    web, flow, device, settings, clock
):
    flow.login()
    free = settings.device_free_attempts_per_address
    for code in unknown_codes(device, free):
        assert enter_user_code(web, code).status_int == 400
    throttled = enter_user_code(web, device["user_code"])  # even the right code waits now
    assert throttled.status_int == 429 and int(throttled.headers["Retry-After"]) > 0
    assert 'name="decision"' not in throttled.text
    clock.advance(int(throttled.headers["Retry-After"]))
    assert enter_user_code(web, device["user_code"]).status_int == 200


@pytest.mark.requirement("RFC8628-5.1")
def test_unknown_codes_from_another_address_do_not_count_against_this_one(web, flow, device, settings):
    flow.login()
    for code in unknown_codes(device, settings.device_free_attempts_per_address):
        enter_user_code(web, code)
    form = web.get("/device").forms[0]
    form["user_code"] = device["user_code"]
    other = form.submit(extra_environ={"REMOTE_ADDR": "192.0.2.7"}, expect_errors=True)
    assert other.status_int == 200


@pytest.mark.requirement("RFC8628-5.1")
def test_malformed_codes_cannot_match_and_do_not_count(web, flow, device, settings):
    flow.login()
    for _ in range(settings.device_free_attempts_per_address + 1):
        assert enter_user_code(web, "BCD").status_int == 400
    assert enter_user_code(web, device["user_code"]).status_int == 200


@pytest.mark.requirement("RFC8628-5.1")
def test_a_device_code_whose_user_code_was_entered_too_often_is_dead(web, flow, cli_client, device, settings):
    flow.login()
    for _ in range(settings.device_code_max_entries):
        assert enter_user_code(web, device["user_code"]).status_int == 200
    dead = enter_user_code(web, device["user_code"])
    assert dead.status_int == 400 and 'name="decision"' not in dead.text
    response = device_poll(web, cli_client, device["device_code"])
    assert (response.status_int, response.json["error"]) == (400, "expired_token")
