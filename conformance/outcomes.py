"""How a check ends, besides passing.

- `fail(message)`: the server broke the requirement (a failure at MUST, a
  warning at SHOULD or MAY);
- `not_advertised(what)` / `not_configured(what)` / `not_applicable(why)`: the
  check does not apply; it is skipped with the reason, never failed;
- `Unverifiable`: the check could not be carried out (a precondition such as
  getting a code failed); reported as an error, which also fails the run.
"""

import pytest


class CheckFailed(AssertionError):
    """The requirement is not met; the message says what was seen."""


class Unverifiable(Exception):
    """The check could not be carried out; the message says which step failed."""


def fail(message: str):
    raise CheckFailed(message)


def not_advertised(what: str):
    pytest.skip(f"not advertised: {what}")


def not_configured(what: str):
    pytest.skip(f"not configured: {what}")


def not_applicable(why: str):
    pytest.skip(f"not applicable: {why}")
