"""Tokens built to break the parser: nested 1,500 deep, or larger than any token.

RFC 8259 §9 lets a parser limit the depth of nesting; `jose/jws.py` checks the
depth and the length before `json.loads` runs, so each endpoint that reads a
JWT answers as it does for any other invalid token (RFC 6750 §3.1, RFC 7662
§2.2, RFC 7009 §2.2), never a 500.
"""

import base64
import json

import pytest

from reference_as.jose import jws
from spec_tests.helpers import call_api, introspect, issue, revoke


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


HOSTILE = {
    "header nested 1,500 deep": _b64(nested(1500)) + "." + _b64(b"{}") + ".AA",
    "payload nested 1,500 deep": _b64(b'{"typ":"at+jwt"}') + "." + _b64(b'{"a":' + nested(1500) + b"}") + ".AA",
    "objects nested 1,500 deep": _b64(b'{"a":' * 1500 + b"1" + b"}" * 1500) + "." + _b64(b"{}") + ".AA",
    "larger than any token": _b64(json.dumps({"pad": "x" * 20_000}).encode()) + "." + _b64(b"{}") + ".AA",
}


@pytest.mark.requirement("RFC8259-9")
@pytest.mark.parametrize("token", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_jwt_is_an_invalid_token_at_the_resource(web, token):
    response = call_api(web, token)
    assert response.status_int == 401 and response.json["error"] == "invalid_token"


@pytest.mark.requirement("RFC8259-9")
@pytest.mark.parametrize("token", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_jwt_introspects_as_inactive(web, confidential, token):
    response = introspect(web, *confidential, token)
    assert response.status_int == 200 and response.json == {"active": False}


@pytest.mark.requirement("RFC8259-9")
@pytest.mark.parametrize("token", HOSTILE.values(), ids=HOSTILE.keys())
def test_revoking_a_hostile_jwt_answers_200_and_revokes_nothing(web, confidential, token):
    client, secret = confidential
    mine = issue(web, client, secret)
    assert revoke(web, client, secret, token).status_int == 200
    assert introspect(web, client, secret, mine).json["active"] is True


def test_nesting_is_measured_outside_strings_only():
    brackets_in_a_string = {"typ": "at+jwt", "note": "[" * 100}
    header, _, _, _ = jws.decode_unverified(_b64(json.dumps(brackets_in_a_string).encode()) + "." + _b64(b"{}") + ".")
    assert header == brackets_in_a_string
    escaped_quote = {"a": '\\"[[[[', "b": [[["deep enough"]]]}
    decoded = jws.decode_unverified(_b64(json.dumps(escaped_quote).encode()) + "." + _b64(b"{}") + ".")
    assert decoded[0] == escaped_quote


@pytest.mark.parametrize("depth, parsed", [(jws.MAX_DEPTH, True), (jws.MAX_DEPTH + 1, False)])
def test_json_nested_up_to_the_limit_is_parsed_and_one_deeper_is_not(depth, parsed):
    token = _b64(b'{"a":' + nested(depth - 1) + b"}") + "." + _b64(b"{}") + "."
    if parsed:
        assert jws.decode_unverified(token)[0]["a"]
    else:
        with pytest.raises(ValueError):
            jws.decode_unverified(token)
