"""Serve any WSGI app exactly as `reference-as serve` serves ours.

It calls the project's own `reference_as.serve.run`, so the server settings
(Granian, its threads, the app built before the fork, logging) are the ones in
production and follow any change made there. The store it is given is an empty memory store:
`run` closes it before the fork and each worker's purge thread finds nothing.

Usage: python bench/serve_wsgi.py PATH/TO/FILE.py:ATTRIBUTE --port N --workers N
"""

import argparse
import importlib.util
import sys
from pathlib import Path

from reference_as import serve
from reference_as.clock import SystemClock
from reference_as.config import Settings
from reference_as.store import MemoryStore


def load(spec: str):
    path, _, attribute = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module
    module_spec.loader.exec_module(module)
    return getattr(module, attribute)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="FILE.py:ATTRIBUTE")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()
    settings = Settings(issuer=f"http://{args.host}:{args.port}", host=args.host, port=args.port, workers=args.workers)
    serve.run(load(args.app), MemoryStore(), settings, SystemClock(), access_log=False)


if __name__ == "__main__":
    main()
