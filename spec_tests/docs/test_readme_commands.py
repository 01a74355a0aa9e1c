"""The README's authorization code walk-through, run as written against a real server.

As `make run` does: `reference-as demo`, then `reference-as serve` (here on a
free port, in a fresh folder). Each shell block of the section "The
authorization code flow, step by step" is taken from README.md and run with
bash, its placeholders (CODE, ACCESS_TOKEN, REFRESH_TOKEN, RS_SECRET) replaced
by the values the server gave last, as a reader following along would; only
the browser step (sign in, allow) is played by a plain HTTP user agent. Every
command must succeed, and what a line's comment says the answer holds
(`# {"active": true, ...}`) must be in the answer.
"""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from spec_tests.serve.forms import redirect_params, sign_in_and_consent

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## The authorization code flow, step by step"
DOCUMENTED_URL = "http://127.0.0.1:8000"
PLACEHOLDERS = ("CODE", "ACCESS_TOKEN", "REFRESH_TOKEN", "RS_SECRET")


def shell_blocks() -> list[list[str]]:
    """The section's ```sh blocks, each as its commands (continued lines joined)."""
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [block.replace("\\\n", " ").splitlines() for block in blocks]


def split_comment(command: str) -> tuple[str, dict]:
    """The command, and the JSON members its comment promises (`# {"active": true, ...}`)."""
    command, _, comment = command.partition("  # ")
    promised = {name: json.loads(value) for name, value in re.findall(r'"(\w+)": (true|false|"[^"]*"|\d+)', comment)}
    return command.strip(), promised


def bash(command: str, server, env: dict) -> str:
    done = subprocess.run(
        ["bash", "-c", command], cwd=server.workdir, env={**server.env, **env}, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def test_the_readme_walk_through_runs_as_written_and_introspection_answers_active_then_inactive(live_server):
    demo = {entry.get("username") or entry["client_id"]: entry for entry in live_server.cli("demo")}
    pkce, *rest = shell_blocks()
    assert len(rest) == 2, "the section's blocks: PKCE and the authorization URL, the token calls, introspection"

    # Block 1: the PKCE pair, and the authorization URL the browser is sent to.
    *assignments, open_url = [line.replace(DOCUMENTED_URL, live_server.url) for line in pkce]
    assert open_url.startswith("python3 -m webbrowser ")
    show = [*assignments, 'printf "%s\\n" "$verifier"', open_url.replace("python3 -m webbrowser", "printf '%s\\n'")]
    verifier, url = bash("\n".join(show), live_server, {}).splitlines()

    # Sign in as demo and allow: where the browser is sent back to.
    back = redirect_params(sign_in_and_consent(live_server, url, "demo", demo["demo"]["password"]))
    assert back["state"] == "xyz" and back["iss"] == live_server.url
    values = {"CODE": back["code"]}

    introspections = []
    reference_as = shlex.quote(str(Path(sys.executable).parent / "reference-as"))
    for line in rest[0] + rest[1]:
        command, promised = split_comment(line.replace(DOCUMENTED_URL, live_server.url))
        for placeholder in PLACEHOLDERS:
            if re.search(rf"\b{placeholder}\b", command):
                assert placeholder in values, f"{placeholder} is used before the server gave it: {command}"
                command = re.sub(rf"\b{placeholder}\b", values[placeholder], command)
        if command.startswith(".venv/bin/reference-as "):
            output = bash(reference_as + command.removeprefix(".venv/bin/reference-as"), live_server, {})
            values["RS_SECRET"] = re.search(r"client_secret: (\S+)", output).group(1)
            continue
        assert command.startswith("curl "), command
        *body, status = bash(command + " -s -w '\\n%{http_code}'", live_server, {"verifier": verifier}).splitlines()
        assert status == "200", (command, body)
        answer = json.loads("\n".join(body)) if any(body) else {}
        assert {name: answer.get(name) for name in promised} == promised, (command, answer)
        values.update({name.upper(): answer[name] for name in ("access_token", "refresh_token") if name in answer})
        if "/oauth2/introspect" in command:
            introspections.append(answer["active"])
    assert introspections == [True, False]
