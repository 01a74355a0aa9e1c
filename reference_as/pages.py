"""HTML pages for people: the login form, the consent page, error pages.

Templates are files in `templates/`, rendered by Jinja2 with autoescaping on,
so every value is escaped unless a template says otherwise (none does). Every
page is sent with headers that keep it from being framed (clickjacking,
RFC 6749 §10.13, RFC 9700 §4.16), sniffed, cached or leaking its URL:
"""

from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from webob import Response

PAGE_HEADERS = {
    # Only our own files (no inline script or style), never inside a frame.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def template_folder(package: str) -> Environment:
    """Jinja2 over the `templates/` folder of `package`, every value escaped."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


SERVER_TEMPLATES = template_folder("reference_as")


def page(
    template: str,
    status: int = 200,
    response: Response | None = None,
    templates: Environment = SERVER_TEMPLATES,
    **context,
) -> Response:
    """Render `template` (from `templates`: the server's unless told) into `response`
    (a new one if not given: pass one that already carries a cookie, say)."""
    response = response or Response()
    response.status = status
    response.content_type, response.charset = "text/html", "utf-8"
    response.body = templates.get_template(template).render(**context).encode()
    response.headers.update(PAGE_HEADERS)
    return response


def sign_in_first(next_: str, username: str | None = None) -> Response:
    """To the login page, which sends the user back to `next_` (a local path) once signed in;
    `username` fills in the form (an OpenID Connect `login_hint`)."""
    return redirect("/login?" + urlencode({"next": next_, **({"username": username} if username else {})}))


def forbidden(message: str, username: str | None = None) -> Response:
    return page("error.html", 403, heading="Not allowed", message=message, username=username)


def redirect(location: str) -> Response:
    """303 See Other: after a form post, the browser follows with a GET."""
    response = Response(status=303, location=location)
    response.headers.update(PAGE_HEADERS)
    return response
