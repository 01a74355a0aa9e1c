"""Two rotations of the signing key at the same moment (two `reference-as keys rotate`,
or the CLI and an admin page): a key signs afterwards, whatever the order in which
their writes reach the store."""

import multiprocessing
import os
import threading

import pytest

from reference_as.clock import SystemClock
from reference_as.config import Settings
from reference_as.keys import Keyring
from reference_as.secret_box import SecretBox
from reference_as.store import SQLiteStore

ROUNDS = 40
SETTINGS = Settings(issuer="http://127.0.0.1:8000", signing_alg="ES256")  # quick to make: the writes overlap more


class InTurn:
    """Two callers' store calls, one at a time and in turn: the first caller's first
    call, the second's first, the first's second... (a caller that has finished is
    skipped). The most interleaved order two rotations' steps can reach the store in."""

    def __init__(self, store):
        self.store, self.turn, self.finished = store, 0, set()
        self.condition = threading.Condition()

    def store_of(self, caller: int):
        scheduler = self

        class Store:
            def __getattr__(self, name):
                method = getattr(scheduler.store, name)

                def in_turn(*args, **kwargs):
                    with scheduler.condition:
                        scheduler.condition.wait_for(
                            lambda: scheduler.turn == caller or 1 - caller in scheduler.finished
                        )
                        try:
                            return method(*args, **kwargs)
                        finally:
                            scheduler.turn = 1 - caller
                            scheduler.condition.notify_all()

                return in_turn

        return Store()

    def run(self, caller: int, work) -> None:
        try:
            work()
        finally:
            with self.condition:
                self.finished.add(caller)
                self.condition.notify_all()


@pytest.mark.parametrize("immediately", [False, True], ids=["pending", "now"])
def test_two_rotations_whose_steps_interleave_leave_a_key_signing(store, box, clock, settings, immediately):
    Keyring(store, box, clock, settings).ensure_active()
    in_turn = InTurn(store)
    rotations = [Keyring(in_turn.store_of(caller), box, clock, settings) for caller in (0, 1)]
    arguments = {"immediately": True} if immediately else {}
    threads = [
        threading.Thread(target=in_turn.run, args=(caller, lambda k=keyring: k.rotate(**arguments)))
        for caller, keyring in enumerate(rotations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    keyring = Keyring(store, box, clock, settings)
    kid = keyring.signing_key()[0]  # raises if no key signs
    published = [key.kid for key in keyring.published()]
    assert kid in published and len(store.signing_keys()) == 3
    if immediately:
        assert published == [kid]  # the later emergency key withdrew the earlier one


def rotator(path, master_key, barrier, immediate_rounds) -> None:
    """In a process of its own: one rotation per round, started with the other process's."""
    keyring = Keyring(SQLiteStore(path), SecretBox(master_key), SystemClock(), SETTINGS)
    for round_number in range(ROUNDS):
        barrier.wait()
        keyring.rotate(**({"immediately": True} if round_number in immediate_rounds else {}))
        barrier.wait()


@pytest.mark.parametrize("immediate_rounds", [set(), set(range(0, ROUNDS, 2))], ids=["pending", "now-and-pending"])
def test_two_rotations_at_the_same_moment_leave_a_key_signing_after_every_round(tmp_path, immediate_rounds):
    path, master_key = tmp_path / "store.sqlite3", os.urandom(32)
    store = SQLiteStore(path)
    Keyring(store, SecretBox(master_key), SystemClock(), SETTINGS).ensure_active()
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(3, timeout=60)
    processes = [fork.Process(target=rotator, args=(path, master_key, barrier, immediate_rounds)) for _ in range(2)]
    for process in processes:
        process.start()
    try:
        for round_number in range(ROUNDS):
            barrier.wait()  # both rotate now
            barrier.wait()  # both have rotated
            keyring = Keyring(store, SecretBox(master_key), SystemClock(), SETTINGS)  # reads the store afresh
            kid = keyring.signing_key()[0]  # raises if no key signs
            published = [key.kid for key in keyring.published()]
            assert kid in published, f"round {round_number}"
            if round_number in immediate_rounds:
                assert published == [kid], f"round {round_number}: one of the two emergency keys, alone"
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0, 0]
