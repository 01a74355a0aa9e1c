"""Putting a client under check, recording what it does, grading it: what the CLI
(and later the admin pages) call."""

import json

from ..clients import ClientNotFound
from ..clock import Clock
from ..config import Settings
from ..store import Store
from ..store.records import CheckEvent, ClientCheck
from .evidence import AUTHORIZATION, Evidence
from .report import Report
from .scenarios import SCENARIOS

# A check holds at most this many events: a client caught in a loop cannot fill the store.
MAX_EVENTS = 1000


class CheckRefused(Exception):
    """The check cannot be started, stopped or reported as asked; the message says why."""


class ClientChecks:
    def __init__(self, store: Store, settings: Settings, clock: Clock):
        self.store = store
        self.settings = settings
        self.clock = clock

    def start(self, client_id: str, scenario: str) -> ClientCheck:
        if scenario not in SCENARIOS:
            raise CheckRefused(f"no scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
        self._client(client_id)
        check = ClientCheck(client_id, scenario, started_at=self.clock.now())
        current = self.store.start_client_check(check)
        if current is not None:
            raise CheckRefused(
                f"client {client_id!r} is already under check (scenario {current.scenario}): one scenario at a "
                f"time; stop it first with `reference-as clients check {client_id} --stop`"
            )
        return check

    def stop(self, client_id: str) -> ClientCheck:
        self._client(client_id)
        if not self.store.end_client_check(client_id, self.clock.now()):
            raise CheckRefused(f"client {client_id!r} is not under check")
        return self.store.get_client_check(client_id)

    def under_way(self, client_id: str | None) -> ClientCheck | None:
        """The check under way for the client; None for a client not under check (or no client_id)."""
        check = self.store.get_client_check(client_id) if client_id else None
        return check if check is not None and check.under_way else None

    def record(self, client_id: str, kind: str, details: dict) -> None:
        event = CheckEvent(client_id, self.clock.now(), kind, json.dumps(details, sort_keys=True))
        self.store.add_check_event(event, MAX_EVENTS)

    def traps_sprung(self, client_id: str, kind: str = AUTHORIZATION) -> list[str]:
        """The traps the check has sprung so far at the authorization endpoint (or `kind`), in order."""
        traps = [json.loads(e.details).get("trap") for e in self.store.check_events(client_id) if e.kind == kind]
        return [trap for trap in traps if trap]

    def report(self, client_id: str) -> Report:
        client = self._client(client_id)
        check = self.store.get_client_check(client_id)
        if check is None:
            raise CheckRefused(
                f"client {client_id!r} has never been under check: start with `reference-as clients check {client_id}`"
            )
        evidence = Evidence.of(client, check, self.settings, self.store.check_events(client_id))
        return Report.grade(evidence, self.clock.now())

    def _client(self, client_id: str):
        client = self.store.get_client(client_id)
        if client is None:
            raise ClientNotFound(client_id)
        return client
