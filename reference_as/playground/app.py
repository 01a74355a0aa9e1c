"""The playground's WSGI app: one page, a callback, and a button per flow.

    GET  /                    the connection, the Authorize buttons, the step view
    POST /connection          save the connection settings
    POST /authorize           authorization code + PKCE: 303 to the server
    POST /sign-in             the same, as an OpenID Connect sign-in (nonce, ID Token checked, UserInfo)
    GET  /callback            the redirect URI: state checked, code redeemed
    POST /client-credentials  the client credentials grant
    POST /device, /device/poll  the device authorization grant (RFC 8628): ask for codes, poll
    POST /resource, /refresh, /replay-refresh, /revoke, /introspect, /forget

Every POST answers 303 back to the page (its step view shows what happened).
The pages carry the server's own headers (`pages.PAGE_HEADERS`: no framing, no
inline script, no referrer, no caching). The playground holds a client secret
and tokens, so what any web page could otherwise make it do is refused:
- a request whose Host is not one of its own loopback names (`trust.py`) is
  answered 421 Misdirected Request with a page: a DNS-rebinding page can
  neither read the playground's pages nor post to it;
- every form carries a CSRF token from a signed cookie (`sessions.FormCookie`,
  the sign-in form's mechanism): a POST without it is refused (403);
- a POST from another origin is refused (Sec-Fetch-Site, Origin), too.
"""

from webob import Request, Response

from .. import pages
from ..clock import SystemClock
from ..endpoints.static import StaticFile
from ..pages import redirect
from ..sessions import FormCookie
from . import trust
from .walkthrough import FlowFailure, Walkthrough

TEMPLATES = pages.template_folder("reference_as.playground")
STATIC = {
    # The server's style sheet and copy button, and the playground's own additions; never
    # kept by the browser (no-cache): a learner editing them sees the change at once.
    "/static/style.css": StaticFile("style.css", "text/css", cache_control="no-cache"),
    "/static/copy.js": StaticFile("copy.js", "text/javascript", cache_control="no-cache"),
    "/static/playground.css": StaticFile(
        "playground.css", "text/css", package="reference_as.playground", cache_control="no-cache"
    ),
}
TOKENS = ("access_token", "refresh_token")
FORM_COOKIE = "playground_form"
FORM_TTL = 12 * 3600  # seconds a page of the playground stays usable


def page(template: str, status: int = 200, response: Response | None = None, **context) -> Response:
    return pages.page(template, status, response, templates=TEMPLATES, **context)


class PlaygroundApp:
    def __init__(self, walkthrough: Walkthrough, port: int):
        self.walkthrough = walkthrough
        self.port = port
        key = walkthrough.store.box.derive_key("reference-as playground form")
        self.forms = FormCookie(FORM_COOKIE, key, SystemClock(), FORM_TTL)
        self.actions = {
            "/connection": self.save,
            "/authorize": self.authorize,
            "/sign-in": lambda request: self.authorize(request, sign_in=True),
            "/client-credentials": lambda request: self.run(walkthrough.client_credentials),
            "/device": lambda request: self.run(walkthrough.start_device),
            "/device/poll": lambda request: self.run(walkthrough.poll_device),
            "/resource": lambda request: self.run(walkthrough.call_resource),
            "/refresh": lambda request: self.run(walkthrough.refresh),
            "/replay-refresh": lambda request: self.run(walkthrough.replay_refresh),
            "/revoke": lambda request: self.run(walkthrough.revoke, self.which(request)),
            "/introspect": lambda request: self.run(walkthrough.introspect, self.which(request)),
            "/forget": lambda request: self.run(walkthrough.forget),
        }

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self.respond(request)(environ, start_response)

    def respond(self, request: Request) -> Response:
        if not trust.host_allowed(request.environ.get("HTTP_HOST"), self.port):
            return self.problem(
                421, "Wrong host name", "The playground answers only at its own loopback address, as it printed."
            )
        try:
            path, method = request.path_info, request.method
            if path in STATIC and method in ("GET", "HEAD"):
                return STATIC[path](request)
            if path == "/favicon.ico":
                return Response(status=204)
            if path == "/" and method in ("GET", "HEAD"):
                return self.home(request)
            if path == "/callback" and method in ("GET", "HEAD"):
                return self.callback(request)
            if path in self.actions and method == "POST":
                if not self.same_origin(request):
                    return self.problem(403, "Refused", "This form can only be sent from the playground's own page.")
                if not self.forms.check(request, request.POST.get("csrf_token")):
                    return self.problem(
                        403, "Refused", "The page expired or did not come from the playground: reload it."
                    )
                return self.actions[path](request)
        except FlowFailure as failure:
            return self.failure(failure)
        except UnicodeDecodeError:
            return self.problem(400, "Bad request", "The path, the form or the query is not valid UTF-8.")
        if path in self.actions or path in ("/", "/callback"):
            return self.problem(405, "Method not allowed", f"{path} does not accept {method}.")
        return self.problem(404, "Not found", f"Nothing is served at {path}.")

    @staticmethod
    def same_origin(request: Request) -> bool:
        """Browsers say where a POST comes from: Sec-Fetch-Site (current ones), else Origin
        (ours, or absent for a tool such as curl). With `Referrer-Policy: no-referrer` a
        browser sends `Origin: null` even for our own forms, hence Sec-Fetch-Site first."""
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None:
            return site in ("same-origin", "none")
        origin = request.headers.get("Origin")
        return origin is None or origin == request.host_url

    @staticmethod
    def which(request: Request) -> str:
        which = request.POST.get("which", "access_token")
        return which if which in TOKENS else "access_token"

    # -- pages -----------------------------------------------------------------------------------------

    def home(self, request: Request, problems=(), form=None) -> Response:
        view = self.walkthrough.view()
        response = Response()
        csrf_token = self.forms.token(request, response)
        status = 400 if problems else 200
        return page("home.html", status, response, problems=problems, form=form, csrf_token=csrf_token, **view)

    def problem(self, status: int, heading: str, message: str) -> Response:
        return page("failure.html", status, heading=heading, message=message, steps=[], error=None)

    def failure(self, failure: FlowFailure) -> Response:
        return page(
            "failure.html",
            failure.status,
            heading=failure.heading,
            message=failure.message,
            error=failure.error,
            description=failure.description,
            steps=failure.steps,
        )

    # -- actions ------------------------------------------------------------------------------------------

    def save(self, request: Request) -> Response:
        form = dict(request.POST)
        problems = self.walkthrough.save_connection(form)
        if problems:
            shown = {name: value for name, value in form.items() if name not in ("client_secret", "csrf_token")}
            return self.home(request, problems, shown)
        return redirect("/#authorize")

    def authorize(self, request: Request, sign_in: bool = False) -> Response:
        url = self.walkthrough.start_authorization(sign_in)
        if url is None:  # the run failed before the browser left: its outcome says why
            return redirect("/#steps")
        return redirect(url)

    def callback(self, request: Request) -> Response:
        self.walkthrough.finish_authorization(request.query_string)
        return redirect("/#steps")

    @staticmethod
    def run(action, *args) -> Response:
        action(*args)
        return redirect("/#steps")


def make_playground(walkthrough: Walkthrough, port: int) -> PlaygroundApp:
    """The playground, answering at 127.0.0.1, localhost and [::1] on `port` only."""
    return PlaygroundApp(walkthrough, port)
