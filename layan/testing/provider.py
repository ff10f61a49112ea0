"""A messaging provider's API on loopback, for tests: a real HTTP server that records each call
and answers as a test scripts it (Telegram's Bot API, Meta's Graph API, WeChat's API).

    with FakeProvider() as api:
        api.answer("POST", "/bot123:abc/sendMessage", {"ok": True, "result": {"message_id": 7}})
        ... # point the inbox's API address at api.url
        assert api.calls[0].json["text"] == "Hello"

An answer may be a list (used in turn, the last one repeated) of `Answer`s or plain JSON
objects (status 200). Unscripted calls get 404 with a JSON error, as providers answer.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    body: Any = field(default_factory=dict)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Raw bytes instead of JSON (a media file).
    content: bytes | None = None
    content_type: str = "application/json"


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class FakeProvider:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._answers: dict[tuple[str, str], list[Answer]] = {}
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                call = Call(
                    self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                )
                answer = provider._take(call)
                payload = (
                    answer.content
                    if answer.content is not None
                    else json.dumps(answer.body).encode()
                )
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, method: str, path: str, *answers: Any) -> None:
        """Script the answers to `method path` (in turn; the last one repeats)."""
        with self._lock:
            self._answers[(method, path)] = [
                item if isinstance(item, Answer) else Answer(item) for item in answers
            ]

    def calls_to(self, path: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.path == path]

    def _take(self, call: Call) -> Answer:
        with self._lock:
            self.calls.append(call)
            queue = self._answers.get((call.method, call.path))
            if not queue:
                return Answer({"error": f"no answer scripted for {call.method} {call.path}"}, 404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
