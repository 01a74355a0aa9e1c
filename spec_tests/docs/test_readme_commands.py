"""The README's walk-throughs (the authorization code flow, the device flow), run as
written against a real server.

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


def shell_blocks(heading: str = SECTION) -> list[list[str]]:
    """The section's ```sh blocks, each as its commands (continued lines joined)."""
    section = README.read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
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


DEVICE_SECTION = "## The device flow, step by step"


def test_the_readme_device_flow_runs_as_written_pending_then_tokens(tmp_path):
    """The device's three commands with DEVICE_CODE filled in; the person's part (sign in
    as demo at /device, allow) by a plain HTTP user agent between the two polls, then
    the interval (5 s) waited, as a device would."""
    import time

    from spec_tests.serve.conftest import LiveServer
    from spec_tests.serve.forms import approve_device

    server = LiveServer(tmp_path)
    try:
        demo = {entry.get("username") or entry["client_id"]: entry for entry in server.cli("demo")}
        blocks = shell_blocks(DEVICE_SECTION)
        assert [len(block) for block in blocks] == [1, 1, 1], "the section's blocks: ask, poll, poll"
        values, answers = {}, []
        for number, (line,) in enumerate(blocks):
            if number == 2:  # the person's part, then the interval
                approve_device(values["VERIFICATION_URI_COMPLETE"], "demo", demo["demo"]["password"])
                time.sleep(values["INTERVAL"])
            command, promised = split_comment(line.replace(DOCUMENTED_URL, server.url))
            command = command.replace("DEVICE_CODE", values.get("DEVICE_CODE", "DEVICE_CODE"))
            assert command.startswith("curl "), command
            *body, status = bash(command + " -s -w '\\n%{http_code}'", server, {}).splitlines()
            answer = json.loads("\n".join(body))
            # The user code is random: the README shows its shape.
            assert re.fullmatch(r"[B-Z]{4}-[B-Z]{4}", answer.get("user_code", "BDFG-HJKL")), answer
            assert {name: answer.get(name) for name in promised if name != "user_code"} == {
                name: value for name, value in promised.items() if name != "user_code"
            }, (command, answer)
            values.setdefault("DEVICE_CODE", answer.get("device_code"))
            values.setdefault("VERIFICATION_URI_COMPLETE", answer.get("verification_uri_complete"))
            values.setdefault("INTERVAL", answer.get("interval"))
            answers.append((status, answer.get("error")))
        assert answers == [("200", None), ("400", "authorization_pending"), ("200", None)]
    finally:
        server.stop()
