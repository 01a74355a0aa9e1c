"""RFC 9449 §5.2 from the command line: `clients create --require-dpop yes` and `clients edit
--require-dpop yes|no` set `dpop_bound_access_tokens`, and the store keeps it."""

import pytest

from reference_as.config import load_settings
from reference_as.store import open_store
from spec_tests.cli.test_cli import run_json


@pytest.mark.requirement("RFC9449-5.2")
def test_require_dpop_is_set_and_cleared_from_the_command_line(workdir, capsys):
    created = run_json(capsys, "clients", "create", "--name", "Sensor", "--require-dpop", "yes")
    assert created["dpop_bound_access_tokens"] is True
    client_id = created["client_id"]
    assert run_json(capsys, "clients", "edit", client_id, "--require-dpop", "no")["dpop_bound_access_tokens"] is False
    assert run_json(capsys, "clients", "edit", client_id, "--name", "S2")["dpop_bound_access_tokens"] is False
    assert run_json(capsys, "clients", "edit", client_id, "--require-dpop", "yes")["dpop_bound_access_tokens"] is True
    store = open_store(load_settings().store)
    assert store.get_client(client_id).dpop_bound_access_tokens is True
    store.close()
