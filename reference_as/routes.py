"""The route table: which path (in both route styles) reaches which endpoint.

The seed document's servers answer at `/index.php?module=OAuth2&action=token`;
`canonical_path` maps that style onto ours, so each endpoint is written once.
A path is UTF-8 text once percent-decoded (RFC 3986 §2.5, as RFC 6749 Appendix B
has it for parameters); `request_path` says whether it is, without failing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from webob import Request, Response

# (module, action) in the seed's query string -> our path
SEED_ALIASES = {("OAuth2", "token"): "/oauth2/token", ("OAuth2", "authorize"): "/oauth2/authorize"}
SEED_PATH = "/index.php"


@dataclass(frozen=True)
class Route:
    endpoint: Callable[[Request], Response]
    methods: tuple[str, ...]
    html: bool = False  # a page people see: errors are rendered as HTML, not JSON
    # Its POSTs may take a while: a password check (scrypt, ~0.1 s of CPU) or a new
    # signing key. Served on threads of their own, not where the protocol endpoints run (serve.py).
    runs_long: bool = False


def request_path(environ: dict) -> tuple[str, bool]:
    """(the request's path, whether it is valid UTF-8). WSGI hands the path over as
    bytes in a latin-1 string (PEP 3333); bytes that are not UTF-8 come back as
    U+FFFD, so the path can still be matched and shown, never acted on."""
    raw = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), False


def find(routes: dict[str, Route], path: str) -> Route | None:
    """The route of `path`: an exact entry, or one ending in '/' that `path` starts with
    (the admin pages, which dispatch the rest of the path themselves)."""
    if path in routes:
        return routes[path]
    return next((route for prefix, route in routes.items() if prefix.endswith("/") and path.startswith(prefix)), None)


def canonical_path(request: Request, seed_routes: bool) -> None:
    """Rewrite a seed-style URL in place to its canonical path, dropping the two
    routing parameters from the query string (the rest stays, to be judged by
    the endpoint)."""
    if not seed_routes or request.path_info != SEED_PATH:
        return
    target = SEED_ALIASES.get((request.GET.get("module"), request.GET.get("action")))
    if target:
        rest = [(k, v) for k, v in request.GET.items() if k not in ("module", "action")]
        request.path_info = target
        request.query_string = urlencode(rest)
