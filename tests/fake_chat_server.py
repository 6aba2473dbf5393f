"""A scripted stand-in for vLLM's chat endpoint on a loopback port: every request is answered
with the same reply, streamed a few characters a chunk as vLLM streams tokens."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeChatServer:
    """/v1/models and /v1/chat/completions (streamed or whole) answering `reply`."""

    def __init__(self, reply: str, piece: int = 3) -> None:
        self.reply, self.piece = reply, piece
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._send(200, "application/json", json.dumps({"object": "list", "data": []}).encode())

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("stream"):
                    self._send(200, "text/event-stream", b"".join(server.chunks()))
                    return
                message = {"role": "assistant", "content": server.reply}
                whole = {"id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                         "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}  # fmt: skip
                self._send(200, "application/json", json.dumps(whole).encode())

            def _send(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
