"""A real HTTP server on 127.0.0.1 serving list files, as a publisher would, with the faults a
sync must survive: a stall, a 500, a body cut short, and ETag / Last-Modified answers (304)."""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ListServer:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, str] = {}  # path -> "500" | "stall" | "truncate" | "no-etag"
        self.modified: dict[str, float] = {}
        self.requests: list[tuple[str, dict]] = []
        self.stall_seconds = 3.0
        self._server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, data: bytes, modified: float | None = None) -> None:
        self.files[path] = data
        self.modified[path] = modified or time.time()

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = self.path
                server.requests.append((path, dict(self.headers)))
                fault = server.faults.get(path)
                if path not in server.files:
                    return self._send(404, b"not found")
                body = server.files[path]
                if fault == "500":
                    return self._send(500, b"server error")
                if fault == "stall":
                    time.sleep(server.stall_seconds)
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if fault != "no-etag" and self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", {"ETag": etag})
                headers = {"Last-Modified": formatdate(server.modified[path], usegmt=True)}
                if fault != "no-etag":
                    headers["ETag"] = etag
                if fault == "truncate":  # promise the whole body, send half, hang up
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._send(200, body, headers)

            def _send(self, status: int, body: bytes, headers: dict | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler

    @contextmanager
    def running(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
