"""`oauth-conformance`: check an OAuth 2.0 authorization server, requirement by requirement.

    oauth-conformance init [target.toml]          write a commented target file
    oauth-conformance run target.toml [--profile pkce] [--check ID] [-k EXPR]
                          [--json F] [--junit F] [--html F] [-v]
    oauth-conformance list [--profile P] [--json]
    oauth-conformance resource URL [--json F] [--junit F] [--html F] [-v]
                          check a protected resource (an MCP server) given only its URL

Exit status of `run`:
  0  PASS: every MUST in scope ran and passed
  1  FAIL: a MUST failed, or a check could not be carried out
  2  the target file (or an option) is wrong, or the server cannot be used with it:
     it does not answer, a client does not authenticate (the message names the field)
  3  INCOMPLETE: nothing failed, but a MUST in scope did not run (a gap of the run;
     the summary lists the target lines that would let it run)

The suite needs the `conformance` extra: pip install 'reference-as[conformance]'.
"""

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

from . import target as target_module
from .checks import DIRECTORY

EXIT_OK, EXIT_FAILED, EXIT_BAD_TARGET, EXIT_INCOMPLETE = 0, 1, 2, 3
# pytest's own statuses when the run itself broke: interrupted (Ctrl-C), an internal error.
EXIT_INTERRUPTED, EXIT_INTERNAL = 130, 70
# What the suite imports beyond the standard library and the package's own dependencies.
NEEDED = {"pytest": "pytest", "jwt": "pyjwt[crypto]"}


def pytest_arguments(args) -> list[str]:
    """The pytest command line of a run (the engine is pytest: see plugin.py)."""
    argv = [
        str(DIRECTORY),
        "-c",
        str(DIRECTORY / "pytest.ini"),
        "--rootdir",
        str(DIRECTORY),
        "--target",
        str(Path(args.target).resolve()),
        "--no-header",
        "-o",
        "console_output_style=classic",
    ]
    argv += ["-v"] if args.verbose else ["-qq", "-rN", "--tb=no", "--conformance-progress"]
    for profile in args.profile:
        argv += ["--profile", profile]
    for check_id in args.check:
        argv += ["--check", check_id]
    if args.k:
        argv += ["-k", args.k]
    if args.json:
        argv += ["--conformance-json", args.json]
    if args.html:
        argv += ["--conformance-html", args.html]
    if args.junit:
        argv += ["--junitxml", args.junit, "-o", "junit_suite_name=oauth-conformance", "-o", "junit_family=xunit2"]
    return argv


def cmd_run(args) -> int:
    try:
        target_module.load(args.target)  # refused here, with the field named, before pytest starts
    except target_module.TargetError as error:
        print(f"oauth-conformance: {error}", file=sys.stderr)
        return EXIT_BAD_TARGET
    import pytest

    code = pytest.main(pytest_arguments(args))
    if code in (EXIT_OK, EXIT_FAILED, EXIT_INCOMPLETE):
        return int(code)
    if code == pytest.ExitCode.USAGE_ERROR:
        return EXIT_BAD_TARGET
    if code == pytest.ExitCode.INTERRUPTED:
        return EXIT_INTERRUPTED
    return EXIT_INTERNAL


def cmd_resource(args) -> int:
    """The protected resource at args.url, found as an MCP client finds it (resource_mode.py)."""
    from . import resource_mode

    def run_target(path, profiles) -> int:
        args.target, args.profile = str(path), list(profiles)
        return cmd_run(args)

    try:
        return resource_mode.run(args.url, run_target)
    except resource_mode.ResourceUnusable as error:
        print(f"oauth-conformance: {error}", file=sys.stderr)
        return EXIT_BAD_TARGET


def cmd_list(args) -> int:
    from .checks import load_all
    from .marks import CHECKS, DEFAULT_PROFILES, PROFILES

    load_all()
    wanted = set(args.profile or DEFAULT_PROFILES) if "all" not in args.profile else set(PROFILES)
    unknown = wanted - set(PROFILES)
    if unknown:
        print(
            f"oauth-conformance: unknown profile {sorted(unknown)[0]!r}; profiles: {', '.join(PROFILES)}",
            file=sys.stderr,
        )
        return EXIT_BAD_TARGET
    checks = [c for c in CHECKS.values() if wanted & set(c.profiles) or not args.profile]
    checks.sort(key=lambda c: (list(PROFILES).index(c.profiles[0]), c.id))
    if args.json:
        print(json.dumps([c.as_dict() for c in checks], indent=2))
        return EXIT_OK
    width = max(len(c.id) for c in checks)
    print(f"{'CHECK':<{width}}  {'REQUIREMENT':<16} {'LEVEL':<6} PROFILES")
    for c in checks:
        print(f"{c.id:<{width}}  {c.requirement.id:<16} {c.level:<6} {','.join(c.profiles)}")
    by_level = {level: sum(c.level == level for c in checks) for level in ("MUST", "SHOULD", "MAY", "ADVICE")}
    print(f"\n{len(checks)} checks: " + ", ".join(f"{n} {level}" for level, n in by_level.items()))
    return EXIT_OK


def cmd_init(args) -> int:
    path = Path(args.file)
    if path.exists() and not args.force:
        print(f"oauth-conformance: {path} exists (--force overwrites it)", file=sys.stderr)
        return EXIT_FAILED
    path.write_text(target_module.TEMPLATE.format(name=path.name), encoding="utf-8")
    os.chmod(path, 0o600)  # it will hold client secrets
    print(f"wrote {path}: fill in the server and its clients, then: oauth-conformance run {path}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="oauth-conformance", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the checks against the target's server")
    run.add_argument("target", help="the target file (TOML)")
    run.add_argument(
        "--profile",
        action="append",
        default=[],
        help="run these profiles only (repeatable), or all; `oauth-conformance list` shows each check's",
    )
    run.add_argument("--check", action="append", default=[], metavar="ID", help="run this check only (repeatable)")
    run.add_argument("-k", metavar="EXPR", help="select checks by pytest -k expression")
    run.add_argument("--json", metavar="FILE", help="write the results as JSON")
    run.add_argument("--junit", metavar="FILE", help="write JUnit XML (for CI)")
    run.add_argument("--html", metavar="FILE", help="write one self-contained HTML page")
    run.add_argument("-v", "--verbose", action="store_true", help="one line per check instead of a progress line")
    run.set_defaults(handler=cmd_run)

    resource = commands.add_parser("resource", help="check a protected resource (an MCP server) given its URL")
    resource.add_argument("url", help="the protected resource's URL")
    for option in ("--json", "--junit", "--html"):
        resource.add_argument(option, metavar="FILE", help=f"write the results as {option[2:]}")
    resource.add_argument("-v", "--verbose", action="store_true", help="one line per check")
    resource.set_defaults(handler=cmd_resource, check=[], k=None)

    listing = commands.add_parser("list", help="every check with its id, RFC section and level")
    listing.add_argument("--profile", action="append", default=[], help="only these profiles (or all)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=cmd_list)

    init = commands.add_parser("init", help="write a commented target file")
    init.add_argument("file", nargs="?", default="target.toml")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=cmd_init)
    return top


def missing_extra() -> str | None:
    """The message when the suite's own dependencies are not installed (a plain `pip install`)."""
    missing = [package for module, package in NEEDED.items() if importlib.util.find_spec(module) is None]
    if not missing:
        return None
    return (
        f"oauth-conformance needs {', '.join(missing)}, which the package's `conformance` extra installs "
        "(with the browser driver's selenium): pip install 'reference-as[conformance]'"
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.handler is not cmd_init and (message := missing_extra()):
        print(message, file=sys.stderr)
        return EXIT_BAD_TARGET
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
