"""The `oauth-conformance` command line: list, init, and the exit codes of run."""

import ast
import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conformance import cli
from conformance.checks import load_all
from conformance.marks import CHECKS
from conformance.target import load
from oauth_client.entropy import estimate_bits
from oauth_client.masking import Masker, mask


def test_list_shows_every_check_with_section_and_level(capsys):
    assert cli.main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    load_all()
    assert len(listed) == len(CHECKS) >= 120
    assert len({c["id"] for c in listed}) == len(listed)
    for check in listed:
        assert check["id"].startswith(check["requirement"].lower() + "-")
        assert check["section"] and check["level"] in ("MUST", "SHOULD", "MAY", "ADVICE") and check["summary"]


def test_list_as_a_table_through_python_dash_m():
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "list", "--profile", "pkce"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["rfc7636-4.6-wrong-verifier-is-invalid-grant", "RFC7636-4.6", "MUST", "pkce"] in rows
    assert done.stdout.rstrip().splitlines()[-1].endswith("ADVICE")


def test_init_writes_a_commented_target_and_keeps_an_existing_one(tmp_path, capsys):
    path = tmp_path / "target.toml"
    assert cli.main(["init", str(path)]) == 0
    assert load(path).server.metadata_url and "# " in path.read_text()
    assert path.stat().st_mode & 0o077 == 0  # it will hold secrets
    assert cli.main(["init", str(path)]) == 1
    assert "exists" in capsys.readouterr().err


def test_a_bad_target_file_exits_2_naming_the_field(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[server]\nmetadata_url = "not a url"\n')
    assert cli.main(["run", str(path)]) == 2
    assert "server.metadata_url: must be an absolute http(s) URL" in capsys.readouterr().err


def test_an_unknown_profile_or_check_exits_2(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[server]\nmetadata_url = "http://127.0.0.1:9/.well-known/oauth-authorization-server"\n')
    assert cli.main(["run", str(path), "--profile", "nonsense"]) == 2
    assert cli.main(["run", str(path), "--check", "rfc0000-1-nothing"]) == 2


def test_an_unreachable_server_stops_the_run_with_one_message_naming_the_field(tmp_path, capsys):
    path = tmp_path / "t.toml"
    path.write_text(
        '[server]\nmetadata_url = "http://127.0.0.1:9/.well-known/oauth-authorization-server"\ntimeout = 2\n'
    )
    out = tmp_path / "r.json"
    assert cli.main(["run", str(path), "--profile", "metadata", "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert "server.metadata_url" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()  # no check ran


def test_without_the_conformance_extra_the_command_says_what_to_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pytest" else real(name, *a))
    assert cli.main(["list"]) == 2
    assert "pip install 'reference-as[conformance]'" in capsys.readouterr().err


def test_the_conformance_extra_installs_every_module_the_suite_imports():
    """Every module the suite imports (tests and peers aside) is the standard library, the project's
    own, a dependency of the package, or in its `conformance` extra (the browser driver's selenium too)."""
    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    installed = {_distribution(d) for d in [*project["dependencies"], *project["optional-dependencies"]["conformance"]]}
    imported = set()
    for path in (root / "conformance").rglob("*.py"):
        if {"tests", "peers"} & set(path.relative_to(root / "conformance").parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            imported |= {name.split(".")[0] for name in names}
    third_party = imported - set(sys.stdlib_module_names) - {"conformance", "oauth_client"}  # ours
    module_to_distribution = {"jwt": "pyjwt", "_pytest": "pytest"}
    missing = {m for m in third_party if module_to_distribution.get(m, m) not in installed}
    assert not missing, f"imported by conformance/ but in no dependency nor the conformance extra: {missing}"
    assert "selenium" in installed


def _distribution(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


# -- masking and entropy -----------------------------------------------------------------------


def test_masking_hides_known_secrets_and_credential_shapes():
    masker = Masker(["client-secret-value-123"])
    text = masker.text(
        "Authorization: Basic ZGVtbzpzZWNyZXQ=\nclient_secret=client-secret-value-123&code=abcdef123456"
        '\n{"access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "state": "keep-me"}'
    )
    for secret in ("ZGVtbzpzZWNyZXQ=", "client-secret-value-123", "abcdef123456", "eyJzdWIiOiJ4In0"):
        assert secret not in text
    assert "keep-me" in text and 'realm="x"' in masker.text('WWW-Authenticate: Bearer realm="x"')
    assert mask("abcdefghijkl") == "abcd…(12 chars)" and "abc" not in mask("abc")


def test_masking_leaves_the_suites_own_words_whole():
    """'not a Basic challenge' is a sentence, not credentials; 'Authorization: Basic x' is credentials."""
    masker = Masker()
    assert masker.text("WWW-Authenticate is 'Bearer realm=\"x\"', not a Basic challenge") == (
        "WWW-Authenticate is 'Bearer realm=\"x\"', not a Basic challenge"
    )
    assert "ZGVtbzpzZWNyZXQ" not in masker.text("Authorization: Basic ZGVtbzpzZWNyZXQ=")
    assert "ZGVtbzpzZWNyZXQ" not in masker.headers({"Authorization": "Basic ZGVtbzpzZWNyZXQ="})["Authorization"]


def test_cookie_values_are_masked_not_their_attributes():
    shown = Masker().headers({"Set-Cookie": "_session=abcdefghijklmnop; path=/; samesite=lax; httponly"})
    assert shown["Set-Cookie"] == "_session=abcd…(16 chars); path=/; samesite=lax; httponly"


def test_entropy_estimates():
    import secrets
    import uuid

    assert estimate_bits([secrets.token_urlsafe(32) for _ in range(8)]) >= 250
    assert estimate_bits([str(uuid.uuid4()) for _ in range(8)]) < 128  # 122 random bits
    assert estimate_bits([f"tok-{n:08d}" for n in range(8)]) < 10  # a counter
    assert estimate_bits(["at_" + secrets.token_hex(16) for _ in range(8)]) == 128  # the prefix counts nothing
