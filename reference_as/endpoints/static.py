"""The stylesheet and the one script, served by the app itself: no external assets."""

from importlib import resources

from webob import Request, Response


class StaticFile:
    def __init__(self, name: str, content_type: str):
        self.body = (resources.files("reference_as") / "static" / name).read_bytes()
        self.content_type = content_type

    def __call__(self, request: Request) -> Response:
        response = Response(body=self.body, content_type=self.content_type, charset="utf-8")
        response.cache_control = "public, max-age=3600"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
