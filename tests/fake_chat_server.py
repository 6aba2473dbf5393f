"""A scripted stand-in for vLLM's chat endpoint on a loopback port: every request is answered
with the same reply, streamed a few characters a chunk as vLLM streams tokens."""

import json
from http.server import BaseHTTPRequestHandler

from tests.fake_http import Loopback, QuietHandler


class FakeChatServer:
    """/v1/models and /v1/chat/completions (streamed or whole) answering `reply`."""

    def __init__(self, reply: str, piece: int = 3) -> None:
        self.reply, self.piece = reply, piece
        self._server = Loopback(self._handler())
        self.url = self._server.url

    def close(self) -> None:
        self._server.close()

    def chunks(self) -> list[bytes]:
        pieces = [self.reply[i : i + self.piece] for i in range(0, len(self.reply), self.piece)]
        events = [
            {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "fake",
             "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}
            for p in pieces
        ]  # fmt: skip
        return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self.send_body(200, "application/json", json.dumps({"object": "list", "data": []}).encode())

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("stream"):
                    self.send_body(200, "text/event-stream", b"".join(server.chunks()))
                    return
                message = {"role": "assistant", "content": server.reply}
                whole = {"id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                         "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}  # fmt: skip
                self.send_body(200, "application/json", json.dumps(whole).encode())

        return Handler
