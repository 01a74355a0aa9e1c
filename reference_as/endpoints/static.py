"""The stylesheet, served by the app itself: no external assets."""

from importlib import resources

from webob import Request, Response

STYLESHEET = (resources.files("reference_as") / "static" / "style.css").read_bytes()


def stylesheet(request: Request) -> Response:
    response = Response(body=STYLESHEET, content_type="text/css", charset="utf-8")
    response.cache_control = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
