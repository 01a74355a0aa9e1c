"""The device authorization grant (RFC 8628) as the checks run it: ask for the
codes (§3.1-3.2), have the approval driver play the user at the verification
page (§3.3), poll the token endpoint at the interval the server names (§3.4-3.5).

Like `steps.py`, a step the check needs as a precondition raises
`Unverifiable` when the server does not cooperate, and skips when the server
does not offer the grant or the target does not let the check run.
"""

from dataclasses import dataclass

import requests

from oauth_client.client import OAuthClient
from oauth_client.config import DEVICE_CODE

from . import fixes
from .approval import Driver
from .discovery import Server
from .expect import describe, json_object
from .outcomes import Unverifiable, not_carried_out, not_configured
from .progress import Progress

DEFAULT_INTERVAL = 5  # RFC 8628 §3.2: without `interval`, the client waits 5 seconds
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: each slow_down adds 5 seconds, for all later polls


@dataclass
class DeviceCodes:
    """A device authorization response (RFC 8628 §3.2) and how the poller stands with it."""

    body: dict
    interval: float

    @property
    def device_code(self) -> str:
        return self.body["device_code"]

    @property
    def user_code(self) -> str:
        return self.body["user_code"]


def ready(server: Server, client: OAuthClient) -> OAuthClient:
    """Skip unless the server has a device authorization endpoint and the client may use the grant."""
    server.need_endpoint("device_authorization")
    server.need_endpoint("token")
    if DEVICE_CODE not in client.config.grant_types:
        not_configured(
            f"the {client.config.role} client's grant_types lack {DEVICE_CODE}", fixes.grant(client.config, DEVICE_CODE)
        )
    return client


def request_codes(server: Server, client: OAuthClient, **extra) -> requests.Response:
    """RFC 8628 §3.1: POST to the device authorization endpoint, authenticated as at the token endpoint."""
    params = {"scope": client.config.scope, **extra}
    data, headers = client.authenticate({k: v for k, v in params.items() if v is not None})
    return client.session.post(server.endpoints.device_authorization, data=data, headers=headers)


def start(server: Server, client: OAuthClient) -> DeviceCodes:
    """A fresh pair of codes, else the check could not be carried out."""
    response = request_codes(server, client)
    body = json_object(response)
    if response.status_code != 200 or body is None or not {"device_code", "user_code"} <= set(body):
        raise Unverifiable(f"the device authorization request was answered {describe(response)}")
    interval = body.get("interval", DEFAULT_INTERVAL)
    return DeviceCodes(body, float(interval) if isinstance(interval, int | float) else DEFAULT_INTERVAL)


def poll(client: OAuthClient, device_code: str) -> requests.Response:
    """RFC 8628 §3.4: one token request with the device code."""
    return client.token_request({"grant_type": DEVICE_CODE, "device_code": device_code})


def error_of(response: requests.Response) -> str | None:
    return (json_object(response) or {}).get("error")


def wait(progress: Progress, codes: DeviceCodes, what: str = "the polling interval") -> None:
    progress.wait(codes.interval, what)


def poll_until_decided(client: OAuthClient, codes: DeviceCodes, progress: Progress, polls: int = 6):
    """Poll as a well-behaved device does (§3.5): wait the interval before each poll, 5 s more after
    each slow_down, go on while the answer is authorization_pending or slow_down. The last answer."""
    response = None
    for _ in range(polls):
        wait(progress, codes)
        response = poll(client, codes.device_code)
        error = error_of(response)
        if error == "slow_down":
            codes.interval += SLOW_DOWN_STEP
        elif error != "authorization_pending":
            return response
    return response


def approve(driver: Driver, codes: DeviceCodes, decision: str = "allow") -> None:
    """The user's part (§3.3): the driver opens the verification page, signs in, types the user code
    and decides; not carried out when it could not do that part."""
    if decision == "deny" and not driver.can_deny:
        not_configured(f"the {driver.name} approval driver cannot deny", fixes.deny())
    landing = driver.run_device(codes.body, decision)
    if landing.stuck:
        not_carried_out(landing.stuck, fixes.form_fields())
    if not landing.decided:
        not_carried_out(
            f"the {driver.name} driver was to {decision} the user code, but found no page to do it on "
            f"(the user agent {landing.describe()})",
            fixes.form_fields(),
        )
