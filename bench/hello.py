"""The HTTP floor: the smallest WSGI app, served like ours (serve_wsgi.py).

Whatever it cannot exceed, no endpoint of ours can: the cost of HTTP parsing,
the WSGI server's threads and the load generator sharing the cores.
"""

BODY = b'{"hello":"world"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
