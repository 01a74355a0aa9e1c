"""python -m conformance.peers.oidc_provider [--port N] [--targets DIR]: see __init__.py."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from . import OidcProvider, PeerUnavailable, install


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.peers.oidc_provider", description=__doc__)
    parser.add_argument("--port", type=int, help="the loopback port (default: a free one)")
    parser.add_argument("--targets", type=Path, default=Path("."), help="where to write the target files")
    parser.add_argument("--install-only", action="store_true", help="npm ci if needed, then exit")
    args = parser.parse_args(argv)
    try:
        version = install(quiet=False)
    except PeerUnavailable as error:
        print(f"oidc-provider: {error}", file=sys.stderr)
        return 1
    if args.install_only:
        print(f"oidc-provider {version}: installed")
        return 0
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        with OidcProvider(Path(folder) / "server.log", args.port) as server:
            main_target, jwt_target = server.write_targets(args.targets)
            print(f"oidc-provider {version} at {server.url}\n  {main_target}\n  {jwt_target}\nCtrl-C stops it.")
            try:
                while server.server.process.poll() is None:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
