"""Before any check, the suite asks whether the server answers and each client authenticates; if
not, one message naming the field, exit status 2, and no check runs."""

from conformance import cli

from .servers import write_target


def _run(path, capsys) -> tuple[int, str]:
    out = path.parent / f"{path.stem}.json"
    code = cli.main(["run", str(path), "--json", str(out)])
    assert not out.exists()  # stopped before any check
    return code, capsys.readouterr().err


def _with_secret(workdir, secret: str) -> dict:
    clients = {role: dict(client) for role, client in workdir.clients.items()}
    clients["confidential"]["client_secret"] = secret
    return clients


def test_the_placeholder_secret_of_init_is_named_as_such(reference, workdir, capsys):
    path = write_target(workdir.path / "placeholder.toml", reference.url, _with_secret(workdir, "change-me"))
    code, err = _run(path, capsys)
    assert code == 2
    assert "clients.confidential.client_secret" in err and "placeholder" in err and "change-me" not in err


def test_a_wrong_secret_stops_the_run_naming_the_client(reference, workdir, capsys):
    path = write_target(workdir.path / "wrong.toml", reference.url, _with_secret(workdir, "not-the-secret-123"))
    code, err = _run(path, capsys)
    assert code == 2
    assert "clients.confidential" in err and "refused" in err and "not-the-secret-123" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_public_client_stops_the_run(reference, workdir, capsys):
    clients = {role: dict(client) for role, client in workdir.clients.items()}
    clients["public"]["client_id"] = "conformance-nobody"
    code, err = _run(write_target(workdir.path / "nobody.toml", reference.url, clients), capsys)
    assert code == 2 and "clients.public" in err and "not known" in err


def test_a_server_that_is_down_stops_the_run_in_one_line(workdir, capsys):
    path = write_target(workdir.path / "down.toml", "http://127.0.0.1:9", workdir.clients)
    code, err = _run(path, capsys)
    assert code == 2 and "server.metadata_url" in err and len(err.strip().splitlines()) == 1
