"""The playground's WSGI app: one page, a callback, and a button per flow.

    GET  /                    the connection, the Authorize buttons, the step view
    POST /connection          save the connection settings
    POST /authorize           authorization code + PKCE: 303 to the server
    POST /sign-in             the same, as an OpenID Connect sign-in (nonce, ID Token checked, UserInfo)
    GET  /callback            the redirect URI: state checked, code redeemed
    POST /client-credentials  the client credentials grant
    POST /resource, /refresh, /replay-refresh, /revoke, /introspect, /forget

Every POST answers 303 back to the page (its step view shows what happened).
The pages carry the server's own headers (`pages.PAGE_HEADERS`: no framing, no
inline script, no referrer, no caching), and a POST from another origin is
refused: any web page could otherwise submit these forms to a loopback port.
"""

from webob import Request, Response

from .. import pages
from ..endpoints.static import StaticFile
from ..pages import redirect
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


def page(template: str, status: int = 200, **context) -> Response:
    return pages.page(template, status, templates=TEMPLATES, **context)


class PlaygroundApp:
    def __init__(self, walkthrough: Walkthrough):
        self.walkthrough = walkthrough
        self.actions = {
            "/connection": self.save,
            "/authorize": self.authorize,
            "/sign-in": lambda request: self.authorize(request, sign_in=True),
            "/client-credentials": lambda request: self.run(walkthrough.client_credentials),
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
        path, method = request.path_info, request.method
        try:
            if path in STATIC and method in ("GET", "HEAD"):
                return STATIC[path](request)
            if path == "/favicon.ico":
                return Response(status=204)
            if path == "/" and method in ("GET", "HEAD"):
                return self.home()
            if path == "/callback" and method in ("GET", "HEAD"):
                return self.callback(request)
            if path in self.actions and method == "POST":
                if not self.same_origin(request):
                    return self.problem(403, "Refused", "This form can only be sent from the playground's own page.")
                return self.actions[path](request)
        except FlowFailure as failure:
            return self.failure(failure)
        except UnicodeDecodeError:
            return self.problem(400, "Bad request", "The form or the query is not valid UTF-8.")
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

    def home(self, problems=(), form=None) -> Response:
        view = self.walkthrough.view()
        return page("home.html", 400 if problems else 200, problems=problems, form=form, **view)

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
            return self.home(problems, {name: value for name, value in form.items() if name != "client_secret"})
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


def make_playground(walkthrough: Walkthrough) -> PlaygroundApp:
    return PlaygroundApp(walkthrough)
