"""A real web server on a loopback port that serves what a test tells it: the
other side of the server's outbound fetches (Client ID Metadata Documents).

`DocumentServer` answers each path with a `Reply` (status, headers, body, and
how slowly to send it), counts the requests per path, and speaks https with a
certificate of a CA made for the run (`TestCA`), which the server under test
trusts through `outbound_ca_file`. It runs in a thread of the test process.
"""

import datetime
import ipaddress
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "application/json"})
    drip_seconds: float = 0.0  # pause before each byte of the body: a slow server
    send_length: bool = True
    drip_head: bool = False  # the status line and a header that never ends, dripped


class TestCA:
    """A CA and a certificate it signed for 127.0.0.1 and localhost, as PEM files in `folder`."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path):
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reference-as test CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_file = folder / "test-ca.pem"
        self.cert_file = folder / "server-cert.pem"
        self.key_file = folder / "server-key.pem"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


class DocumentServer:
    def __init__(self, ca: TestCA | None = None):
        self.replies: dict[str, Reply] = {}
        self.hits: Counter = Counter()
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.hits[self.path] += 1
                reply = server.replies.get(self.path, Reply(b"not here", 404, {"Content-Type": "text/plain"}))
                if reply.drip_head:
                    return self._drip(reply)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    if reply.drip_seconds:
                        for byte in reply.body:
                            time.sleep(reply.drip_seconds)
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                    else:
                        self.wfile.write(reply.body)
                except OSError:
                    pass  # the fetcher gave up on us: what a slow or large reply is for

            def _drip(self, reply: Reply):
                """A byte at a time, each well within a read's timeout, for ever (until the
                fetcher hangs up, or the server stops)."""
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    while not server.stopping.is_set():
                        time.sleep(reply.drip_seconds)
                        self.wfile.write(b"a")
                        self.wfile.flush()
                except OSError:
                    pass
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if ca is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(ca.cert_file, ca.key_file)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.origin = f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path: str, reply: Reply) -> str:
        """Answer `path` with `reply` from now on: its URL."""
        self.replies[path] = reply
        return self.origin + path

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
