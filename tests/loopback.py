"""A tiny HTTP server on 127.0.0.1 for download tests: no test ever reaches the network.

Typical use::

    with LoopbackServer() as server:
        server.routes["/SIPRI-Milex-data-1949-2025_v1.2.xlsx"] = Route(body=workbook_bytes)
        os.environ["DEFBUDGET_MIRROR"] = server.url

A route can answer with any status, cut its body short (``truncate``: the Content-Length
promises more bytes than are sent, then the connection closes) or wait before answering
(``delay`` seconds). Unknown paths get 404. The server runs in a daemon thread, is shut down
when the ``with`` block ends, and shuts itself down after ``lifetime`` seconds in any case.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LoopbackServer", "Route", "closed_port"]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    truncate: int = 0  # bytes promised but never sent
    delay: float = 0.0  # seconds before answering
    content_type: str = "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server_version = "defbudget-loopback/1"
    timeout = 10  # a stuck client cannot hold a handler thread for long

    def do_GET(self):
        route = self.server.routes.get(self.path.split("?")[0])  # type: ignore[attr-defined]
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        if route is None:
            self.send_error(404, "Not Found")
            return
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body) + route.truncate))
        if route.truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(route.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass
        if route.truncate:
            self.close_connection = True

    def log_message(self, format, *args):  # keep the test output clean
        pass


class LoopbackServer:
    """HTTP server on 127.0.0.1 (a free port), serving :attr:`routes` until stopped."""

    def __init__(self, lifetime: float = 300.0):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.routes = {}  # type: ignore[attr-defined]
        self._httpd.requests = []  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._stopper = threading.Timer(lifetime, self.stop)
        self._stopper.daemon = True
        self._stopped = False

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def routes(self) -> dict[str, Route]:
        return self._httpd.routes  # type: ignore[attr-defined]

    @property
    def requests(self) -> list[str]:
        return self._httpd.requests  # type: ignore[attr-defined]

    def start(self) -> LoopbackServer:
        self._thread.start()
        self._stopper.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._stopper.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connections to it are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
