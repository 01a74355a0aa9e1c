"""The stylesheet and the one script, served by the app itself: no external assets."""

from importlib import resources

from webob import Request, Response


class StaticFile:
    """`name` in the `static/` folder of `package`, read once at start-up."""

    def __init__(
        self, name: str, content_type: str, package: str = "reference_as", cache_control="public, max-age=3600"
    ):
        self.body = (resources.files(package) / "static" / name).read_bytes()
        self.content_type = content_type
        self.cache_control = cache_control

    def __call__(self, request: Request) -> Response:
        response = Response(body=self.body, content_type=self.content_type, charset="utf-8")
        response.cache_control = self.cache_control
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
