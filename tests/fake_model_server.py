"""A scripted stand-in for vLLM's embeddings and rerank endpoints on a loopback port (unit tests)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fake_http import Loopback, QuietHandler
from tests.fakes import FakeEmbedder


class FakeModelServer:
    """Answers /v1/embeddings with FakeEmbedder vectors and /v1/rerank with scores by text
    length; `failures` lists status codes to answer first, one per request."""

    def __init__(self, failures: list[int] | None = None, delay_s: float = 0.0) -> None:
        self.failures, self.delay_s = list(failures or []), delay_s
        self.requests: list[dict[str, Any]] = []
        self.active = self.most_active = 0
        self._lock = threading.Lock()
        self._server = Loopback(self._handler())
        self.url = self._server.url

    def close(self) -> None:
        self._server.close()

    def reply(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append({"path": path, **body})
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            status = self.failures.pop(0) if self.failures else 200
        time.sleep(self.delay_s)
        with self._lock:
            self.active -= 1
        if status != 200:
            return status, {"error": {"message": f"scripted {status}", "code": status}}
        if path.endswith("/embeddings"):
            vectors = FakeEmbedder().embed_passages(body["input"])
            data = [{"index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
            usage = {"prompt_tokens": 1, "total_tokens": 1}
            return 200, {"data": data[::-1], "model": body["model"], "object": "list", "usage": usage}
        scores = [{"index": i, "relevance_score": float(len(d))} for i, d in enumerate(body["documents"])]
        return 200, {"results": scores, "model": body["model"]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = server.reply(self.path, body)
                self.send_body(status, "application/json", json.dumps(answer).encode())

        return Handler
