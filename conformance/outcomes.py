"""How a check ends, besides passing.

- `fail(message)`: the server broke the requirement (a failure at MUST, a
  warning at SHOULD or MAY, advice at ADVICE);
- a skip, of one of two kinds, because coverage is a result of the run:
  - *not claimed* (`not_advertised(what)`, `not_applicable(why)`): the server
    does not offer the feature, or the case does not arise with it. Out of
    scope, and fine;
  - *a gap of the run* (`not_configured(what, fix)`, `not_carried_out(why, fix)`):
    the target file does not let the check run, or the approval driver could
    not do its part. `fix` is the target line that would let it run. A MUST
    left out this way makes the verdict INCOMPLETE, never PASS;
- `Unverifiable`: the check could not be carried out (a precondition such as
  getting a code failed); reported as an error, which also fails the run.
"""

import pytest

NOT_CLAIMED, GAP = "not claimed", "gap"


class CheckFailed(AssertionError):
    """The requirement is not met; the message says what was seen."""


class Unverifiable(Exception):
    """The check could not be carried out; the message says which step failed."""


class Skip(pytest.skip.Exception):
    """A skip that says which kind it is, and for a gap, what closes it."""

    def __init__(self, kind: str, reason: str, fix: str | None = None):
        super().__init__(reason + (f" (to run it: {fix})" if fix else ""))
        self.kind, self.reason, self.fix = kind, reason, fix


def fail(message: str):
    raise CheckFailed(message)


def not_advertised(what: str):
    raise Skip(NOT_CLAIMED, f"not advertised: {what}")


def not_applicable(why: str):
    raise Skip(NOT_CLAIMED, f"not applicable: {why}")


def not_configured(what: str, fix: str):
    raise Skip(GAP, f"not configured: {what}", fix)


def not_carried_out(why: str, fix: str):
    raise Skip(GAP, f"not carried out: {why}", fix)


def target_line(table: str, **values) -> str:
    """What to add to the target file, exactly: `[clients.public] client_id = "…"; redirect_uri = "…"`."""
    return f"[{table}] " + "; ".join(f"{key} = {toml_value(value)}" for key, value in values.items())


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
