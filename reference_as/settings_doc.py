"""The settings table, generated from `config.Settings` so that it cannot go stale.

For each field of `Settings`: its name in `reference-as.toml`, its environment
variable, the command-line flag that sets it (if there is one), its default
and its meaning. The meaning is the string literal written under the field
(an attribute docstring), read from config.py's source with `ast`: the
documentation is part of the field, and a field without one is an error.

`make docs` writes the table into README.md between the two markers below;
`spec_tests/docs/test_settings_table.py` fails when the README's copy differs
from a fresh one. The command-line help takes each default from here too.
"""

import argparse
import ast
import dataclasses
import functools
import inspect
import sys
import textwrap
from pathlib import Path

from .config import ENV_PREFIX, FIELDS, Settings

BEGIN = "<!-- settings table: written by `make docs` from reference_as/config.py -->"
END = "<!-- end of the settings table -->"


class UndocumentedSetting(Exception):
    """A field of Settings has no meaning written under it."""


@functools.cache
def meanings(settings_class: type = Settings) -> dict[str, str]:
    """Each field's attribute docstring (the string literal right under it), its lines joined into one."""
    (definition,) = ast.parse(textwrap.dedent(inspect.getsource(settings_class))).body
    found: dict[str, str] = {}
    body = definition.body
    for statement, following in zip(body, body[1:] + [None], strict=True):
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
            found[statement.target.id] = " ".join(str(following.value.value).split())
    missing = [field.name for field in dataclasses.fields(settings_class) if field.name not in found]
    if missing:
        raise UndocumentedSetting(
            f"{settings_class.__name__}: write a one-line meaning as a string under {', '.join(missing)}"
            " (as under the other fields)"
        )
    return found


def toml_value(value) -> str:
    """`value` as it is written in reference-as.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def default_text(name: str) -> str:
    """The default of setting `name`, as written in reference-as.toml."""
    return toml_value(FIELDS[name].default)


def flag_help(name: str) -> str:
    """The help of a flag that sets `name`: its meaning and default, both from config.py."""
    return f"{meanings()[name].replace('`', '')} (default: {default_text(name)})"


def flags() -> dict[str, str]:
    """setting -> the flag of `reference-as` that sets it, found in the parser itself."""
    from .cli import parser  # here, not at the top: the command line takes its help from this module

    found: dict[str, str] = {}
    pending = [parser()]
    while pending:
        for action in pending.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):  # a command's own commands
                pending.extend(action.choices.values())
            elif action.dest in FIELDS and action.help == flag_help(action.dest):  # a flag of the setting
                found.setdefault(action.dest, action.option_strings[-1])
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table() -> str:
    """The README's settings table, in Markdown."""
    described, flag_of = meanings(), flags()
    rows = [
        "| setting (`reference-as.toml`) | environment | flag | default | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in FIELDS:
        flag = f"`{flag_of[name]}`" if name in flag_of else ""
        env = f"`{ENV_PREFIX}{name.upper()}`"
        rows.append(f"| `{name}` | {env} | {flag} | `{_cell(default_text(name))}` | {_cell(described[name])} |")
    return "\n".join(rows)


def write_into(readme: Path) -> bool:
    """Replace the table between the markers of `readme`; True if its text changed."""
    text = readme.read_text(encoding="utf-8")
    before, begin, rest = text.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not (begin and end):
        raise SystemExit(f"{readme}: the markers {BEGIN!r} and {END!r} are missing")
    fresh = f"{before}{BEGIN}\n{table()}\n{END}{after}"
    readme.write_text(fresh, encoding="utf-8")
    return fresh != text


def readme_table(readme: Path) -> str:
    """The table as it stands between the markers of `readme` ('' if the markers are missing)."""
    _, _, rest = readme.read_text(encoding="utf-8").partition(BEGIN + "\n")
    table_text, end, _ = rest.partition("\n" + END)
    return table_text if end else ""


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print(f"{path}: settings table {'rewritten' if write_into(path) else 'already up to date'}")
