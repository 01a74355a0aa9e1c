"""RFC 8628, OAuth 2.0 Device Authorization Grant.
https://www.rfc-editor.org/rfc/rfc8628

Covers what a device sees: the device authorization request and its errors
(§3.1), the response (§3.2), polling (§3.4-3.5: authorization_pending,
slow_down honoured, access_denied, expired_token with the `slow` profile, the
tokens once approved, errors of RFC 6749 §5.2), the entropy of device codes
(RFC 6749 §10.10: a credential no person handles) and of user codes (§5.1).
The user's part at the verification page (§3.3) is played by the approval
driver (`device_flow.approve`). Skipped without a device_authorization_endpoint.
Leaves out what cannot be seen from outside: the verification page's rate
limits (§5.1) and what it shows against remote phishing (§5.4).
"""

import pytest

from conformance import device_flow, expect, fixes
from conformance.device_flow import error_of
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured
from conformance.requirements import ADVICE, SHOULD
from oauth_client import entropy
from oauth_client.client import basic_credentials
from oauth_client.config import DEVICE_CODE

DEVICE, DEVICE_ENTROPY, SLOW = ("device",), ("device", "entropy"), ("slow",)
SAMPLES = 6
USER_CODE_BITS = 20  # see check_user_code_entropy


def _device_client(target, server, clients):
    """The first client of the target allowed the device grant (confidential, then public)."""
    server.need_endpoint("device_authorization")
    for role in ("confidential", "public"):
        config = target.clients.get(role)
        if config and DEVICE_CODE in config.grant_types:
            return device_flow.ready(server, clients(role))
    config = target.clients.get("confidential")
    if config is None:
        not_configured("no [clients.confidential] in the target file", fixes.client("confidential"))
    return device_flow.ready(server, clients("confidential"))  # skips, naming the line to add


@pytest.fixture
def device_client(target, server, clients):
    return _device_client(target, server, clients)


@pytest.fixture
def codes(server, device_client) -> device_flow.DeviceCodes:
    return device_flow.start(server, device_client)


@pytest.fixture
def approved(server, device_client, driver, progress):
    """Codes the user approved, and the poll that got their tokens."""
    codes = device_flow.start(server, device_client)
    device_flow.approve(driver, codes)
    return codes, device_flow.poll_until_decided(device_client, codes, progress)


# RFC8628-3.2 REQUIRED: device_code, user_code, verification_uri, expires_in; 200 with JSON.
@check("rfc8628-3.2-response-has-the-required-fields", "RFC8628-3.2", profiles=DEVICE)
def check_response(server, device_client):
    """The device authorization response is 200 JSON with device_code, user_code, verification_uri, expires_in."""
    response = device_flow.request_codes(server, device_client)
    body = expect.json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"expected HTTP 200 with a JSON object, got {expect.describe(response)}")
    for name in ("device_code", "user_code", "verification_uri"):
        if not isinstance(body.get(name), str) or not body[name]:
            fail(f"{name} is {body.get(name)!r}, not a string (REQUIRED)")
    if not isinstance(body.get("expires_in"), int) or body["expires_in"] <= 0:
        fail(f"expires_in is {body.get('expires_in')!r}, not a positive number of seconds (REQUIRED)")
    if "interval" in body and (not isinstance(body["interval"], int) or body["interval"] < 0):
        fail(f"interval is {body['interval']!r}, not a number of seconds")


# RFC8628-3.1: client authentication as at the token endpoint; RFC 6749 §5.2: invalid_client, 401 over Basic.
@check("rfc8628-3.1-wrong-client-secret-is-invalid-client", "RFC8628-3.1", profiles=DEVICE)
def check_wrong_secret(server, confidential):
    """A device authorization request with a wrong client secret (Basic) is 401 invalid_client."""
    device_flow.ready(server, confidential)
    data = {"scope": confidential.config.scope} if confidential.config.scope else {}
    header = {"Authorization": basic_credentials(confidential.config.client_id, "wrong-secret-0000")}
    response = confidential.session.post(server.endpoints.device_authorization, data=data, headers=header)
    if expect.json_object(response) and "device_code" in expect.json_object(response):
        fail("a client with a wrong secret was given a device code")
    expect.error(response, "invalid_client", 401)


# RFC8628-3.5: "authorization_pending: The authorization request is still pending as the end user hasn't
# yet completed the user-interaction steps".
@check("rfc8628-3.5-pending-poll-is-authorization-pending", "RFC8628-3.5", profiles=DEVICE)
def check_pending(device_client, codes, progress):
    """A poll, at the interval, before the user decided is 400 authorization_pending."""
    device_flow.wait(progress, codes)
    expect.error(device_flow.poll(device_client, codes.device_code), "authorization_pending")


# RFC8628-3.5: slow_down: "the interval MUST be increased by 5 seconds for this and all subsequent
# requests": a device that does so is polling as the server asked, and is answered as pending.
@check("rfc8628-3.5-slow-down-is-honoured", "RFC8628-3.5", profiles=DEVICE)
def check_slow_down(device_client, codes, progress, tell):
    """After slow_down, a poll that waits the interval plus 5 s per slow_down is answered authorization_pending."""
    answers = [error_of(device_flow.poll(device_client, codes.device_code)) for _ in range(2)]
    if "slow_down" not in answers:
        not_applicable(f"two polls at once were answered {answers}: the server does not ask to slow down")
    codes.interval += device_flow.SLOW_DOWN_STEP * answers.count("slow_down")  # each one adds 5 s
    device_flow.wait(progress, codes, "the interval after slow_down")
    response = device_flow.poll(device_client, codes.device_code)
    if error_of(response) == "slow_down":
        fail(f"a poll {codes.interval:.0f} s later (the interval plus 5 s) was told to slow down again")
    expect.error(response, "authorization_pending")
    tell(f"slow_down after polls at once; at {codes.interval:.0f} s, authorization_pending")


# RFC8628-3.5: "If the user has approved the grant, the token endpoint responds with a success response
# defined in Section 5.1 of [RFC6749]".
@check("rfc8628-3.5-approved-poll-gets-tokens", "RFC8628-3.5", profiles=DEVICE)
def check_approved(approved):
    """Once the user approved, the next poll gets an access token (RFC 6749 §5.1)."""
    _, response = approved
    body = expect.token(response)
    if not isinstance(body.get("token_type"), str):
        fail(f"token_type is {body.get('token_type')!r} (REQUIRED)")


# No sentence of RFC 8628 makes the device code single use; it is a bearer credential (§5.2), and
# tokens issued twice for one approval let a stolen device code be used after the device.
@check("rfc8628-3.5-spent-device-code-is-refused", "RFC8628-3.5", level=ADVICE, profiles=DEVICE)
def check_spent(device_client, approved, progress):
    """A device code whose tokens were issued gets no tokens again."""
    codes, response = approved
    expect.token(response)
    device_flow.wait(progress, codes)
    expect.no_token(device_flow.poll(device_client, codes.device_code), "the device code was already spent")


# RFC8628-3.5: "access_denied: The authorization request was denied."
@check("rfc8628-3.5-denied-poll-is-access-denied", "RFC8628-3.5", profiles=DEVICE)
def check_denied(server, device_client, driver, progress):
    """After the user denied, the poll is 400 access_denied."""
    codes = device_flow.start(server, device_client)
    device_flow.approve(driver, codes, decision="deny")
    expect.error(device_flow.poll_until_decided(device_client, codes, progress), "access_denied")


# RFC8628-3.5: "expired_token: The "device_code" has expired, and the device authorization session has
# concluded." (slow: waits expires_in)
@check("rfc8628-3.5-expired-poll-is-expired-token", "RFC8628-3.5", profiles=SLOW)
def check_device_code_lifetime(device_client, codes, progress):
    """A poll after expires_in is 400 expired_token."""
    progress.wait(codes.body.get("expires_in", 0) + 2, "the device code's lifetime")
    expect.error(device_flow.poll(device_client, codes.device_code), "expired_token")


# RFC8628-3.5: errors as RFC 6749 §5.2: a device code the server never issued is invalid_grant.
@check("rfc8628-3.5-unknown-device-code-is-invalid-grant", "RFC8628-3.5", profiles=DEVICE)
def check_unknown(device_client):
    """A poll with a device code the server never issued is 400 invalid_grant."""
    expect.error(device_flow.poll(device_client, "conformance-never-issued-device-code-0000"), "invalid_grant")


# RFC8628-3.5 and RFC 6749 §5.2: invalid_grant is for a grant that "was issued to another client".
@check("rfc8628-3.5-other-clients-device-code-is-invalid-grant", "RFC8628-3.5", profiles=DEVICE)
def check_other_client(server, codes, second, device_client):
    """A device code polled by another client (the second one) is 400 invalid_grant."""
    if second.config.client_id == device_client.config.client_id:
        not_applicable("the second client is the device flow's client")
    device_flow.ready(server, second)
    response = device_flow.poll(second, codes.device_code)
    expect.no_token(response, "another client polled the device code")
    expect.error(response, "invalid_grant")


# RFC8628-3.5 and RFC 6749 §5.2: a poll without the REQUIRED device_code is invalid_request.
@check("rfc8628-3.5-missing-device-code-is-invalid-request", "RFC8628-3.5", profiles=DEVICE)
def check_missing(device_client):
    """A poll without device_code is 400 invalid_request."""
    response = device_client.token_request({"grant_type": DEVICE_CODE})
    expect.error(response, "invalid_request")


@pytest.fixture(scope="module")
def samples(target, server, clients) -> list[dict]:
    """A few device authorization responses, never approved."""
    client = _device_client(target, server, clients)
    return [device_flow.start(server, client).body for _ in range(SAMPLES)]


# RFC 6749 §10.10 MUST: credentials not meant for people are guessed with probability 2^-128 at most;
# RFC 8628 §5.2 adds "a very high entropy code SHOULD be used" for the device code nobody types.
@check("rfc6749-10.10-device-codes-have-128-bits", "RFC6749-10.10", profiles=DEVICE_ENTROPY)
def check_device_code_entropy(samples):
    """Device codes carry at least 128 bits of entropy."""
    codes = [body["device_code"] for body in samples]
    if len(set(codes)) < len(codes):
        fail(f"two of {len(codes)} device codes are identical")
    if entropy.estimate_bits(codes) < 128:
        fail(f"device codes: {entropy.describe(codes)}, below 128")


# RFC8628-5.1 SHOULD: "enough entropy that, when combined with rate limiting and other mitigations, makes a
# brute-force attack infeasible". The RFC names no number; §6.1's example has 34.5 bits. Below 20 bits
# (a million codes), a handful of guesses per device code finds one of the codes waiting at a busy server.
@check("rfc8628-5.1-user-codes-have-20-bits", "RFC8628-5.1", level=SHOULD, profiles=DEVICE_ENTROPY)
def check_user_code_entropy(samples, tell):
    """User codes carry at least 20 bits of entropy (§6.1's example: 34.5)."""
    codes = ["".join(ch for ch in body["user_code"] if ch.isalnum()).upper() for body in samples]
    if len(set(codes)) < len(codes):
        fail(f"two of {len(codes)} user codes are identical")
    bits = entropy.estimate_bits(codes)
    if bits < USER_CODE_BITS:
        fail(f"user codes: {entropy.describe(codes)}, below {USER_CODE_BITS}")
    tell(f"user codes: {entropy.describe(codes)}")
