"""File names inside Streamlit's upload requests, bounded before Streamlit parses them.

A browser sends a file's name as it is; a name of 3,000 Chinese characters (9,000 bytes)
makes the multipart parser refuse the request, and the page shows only "AxiosError ... 400".
This middleware shortens the `filename="..."` of an upload's part header (and its `name="..."`,
which Streamlit's page sets to the file name too) to what the library keeps anyway
(ingest.names.MAX_CHARS characters, the suffix kept), so the file is added."""

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.names import MAX_CHARS, safe_name

UPLOAD_PATH = "/_stcore/upload_file/"
HEAD_LIMIT = 1 << 16  # a part header longer than this is left for Streamlit to refuse
PARAMETER = re.compile(rb'\b(?:file)?name="([^"\r\n]*)"')


class BoundUploadNames:
    """ASGI middleware: shortens over-long file names in Streamlit's upload requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "PUT"
            or UPLOAD_PATH not in scope.get("path", "")
        ):
            await self.app(scope, receive, send)
            return
        head, more, first = b"", True, None
        while more and b"\r\n\r\n" not in head and len(head) < HEAD_LIMIT:
            message = await receive()
            if message["type"] != "http.request":
                first = message
                break
            head += message.get("body", b"")
            more = bool(message.get("more_body", False))
        shorter = bound_name(head)
        delta = len(head) - len(shorter)
        headers = [
            (key, str(int(value) - delta).encode()) if key.lower() == b"content-length" else (key, value)
            for key, value in scope["headers"]
        ]
        pending: list[Message] = [{"type": "http.request", "body": shorter, "more_body": more}]
        if first is not None:
            pending.append(first)

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        await self.app(dict(scope, headers=headers), replay, send)


def bound_name(head: bytes) -> bytes:
    """`head` (the start of a multipart body) with its first part's names bounded."""
    end = head.find(b"\r\n\r\n")
    end = end if end >= 0 else len(head)
    pieces, position = [], 0
    for found in PARAMETER.finditer(head, 0, end):
        name = found.group(1).decode("utf-8", errors="replace")
        if len(name) > MAX_CHARS:
            pieces += [head[position : found.start(1)], safe_name(name).replace('"', "%22").encode()]
            position = found.end(1)
    return b"".join(pieces) + head[position:]
