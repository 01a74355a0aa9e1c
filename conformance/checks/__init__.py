"""The checks, one module per RFC topic, one function per requirement clause.

Every check is a function `check_*` decorated with `@check(id, requirement)`
(`conformance/marks.py`). Modules are named after the RFC and topic they cover
(`rfc6749_token_endpoint.py`); their docstring says what they leave out.
"""

import importlib
import pkgutil
from pathlib import Path

DIRECTORY = Path(__file__).parent


def load_all() -> None:
    """Import every check module (registering its checks), as `oauth-conformance list` needs."""
    for module in pkgutil.iter_modules([str(DIRECTORY)]):
        if module.name.startswith(("rfc", "oidc", "seed", "mcp", "cimd")):
            importlib.import_module(f"{__name__}.{module.name}")
