"""The HTTP API beside the page: OpenAI-compatible chat, search and documents, limited to the
collections of the user whose personal token comes with each request, exactly as the page is."""

import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ingest.errors import IngestError, StorageError
from ingest.job import Job, job_json
from ingest.jobs import Jobs
from ingest.names import collection_name
from ingest.settings import Settings
from ingest.tokens import Tokens
from ingest.uploads import queue_upload
from rag.answer import Answer, ask
from rag.api_models import MAX_HISTORY, MAX_QUESTION, ChatRequest, SearchRequest, citation_json, hit_json
from rag.llm import ChatModel, Message
from rag.retrieve import Retriever
from team import audit
from team.users import EVERY, User, Users, collections_of

MULTIPART_SLACK = 64 * 1024  # form fields and boundaries around the file itself
bearer = HTTPBearer(auto_error=False, description="a personal token: python -m ingest users token NAME")


def make_app(settings: Settings, retriever: Retriever, llm: ChatModel | None) -> FastAPI:
    """The API over one library; every route but /health needs a token."""
    app = FastAPI(title="文档问答 API", version="1", description=__doc__)
    users, tokens, store = Users(settings.users_path), Tokens(settings.data_dir), retriever.store
    jobs = Jobs(settings.data_dir, settings.job_lease_s)  # indexed by the app's or any worker
    upload_limit = int(settings.max_file_mb * 1_000_000) + MULTIPART_SLACK

    @app.middleware("http")
    async def bounded_uploads(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Refuse an upload by its declared size before any of its body is read."""
        if request.method == "POST" and request.url.path == "/api/documents":
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return JSONResponse({"detail": "an upload needs a Content-Length"}, status_code=411)
            if int(length) > upload_limit:
                limit = f"{settings.max_file_mb:g} MB"
                return JSONResponse(
                    {"detail": f"{int(length)} bytes is over the {limit} limit per file"}, 413
                )
        return await call_next(request)

    def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
        """The token's user, read afresh on every request: a revoked token or user is out at once."""
        name = tokens.user_of(credentials.credentials) if credentials else None
        user = users.get(name) if name else None
        if user is None and name == "local" and settings.auth == "off":
            user = User("local", [EVERY])  # the page's one local user
        if user is None:
            raise HTTPException(401, "a valid API token is needed", headers={"WWW-Authenticate": "Bearer"})
        return user

    Caller = Annotated[User, Depends(caller)]

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    def models(user: Caller) -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "docqa", "object": "model", "owned_by": "docqa"}]}

    @app.post("/v1/chat/completions", response_model=None)
    def chat(body: ChatRequest, user: Caller) -> dict[str, Any] | StreamingResponse:
        """Answer the last user message from the caller's documents, with [n] markers and the
        sources as an extra `citations` field (in the last chunk when streamed)."""
        question, history = split_messages(body)
        events = ask(
            question, retriever, llm, history=history, k=body.k or settings.top_k,
            collections=allowed(user, body.collections),
        )  # fmt: skip
        reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if body.stream:
            chunks = stream_chunks(events, reply_id, created, body.model)
            return StreamingResponse(chunks, media_type="text/event-stream")
        final = next(e for e in events if isinstance(e, Answer))
        message = {"role": "assistant", "content": final.text}
        return {
            "id": reply_id, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **extras(final),
        }  # fmt: skip

    @app.post("/api/search")
    def search(body: SearchRequest, user: Caller) -> dict[str, Any]:
        hits = retriever.search(body.query, body.k, body.mode, collections=allowed(user, body.collections))
        return {"hits": [hit_json(h) for h in hits]}

    @app.get("/api/documents")
    def documents(user: Caller, collection: str | None = None) -> dict[str, Any]:
        visible = allowed(user, [collection] if collection else None)
        return {"documents": [asdict(d) for d in store.documents(visible)]}

    @app.post("/api/documents", status_code=202)
    def upload(
        user: Caller,
        file: Annotated[UploadFile, File(description="a file of a supported type (PDF, Word, text...)")],
        collection: Annotated[str | None, Form()] = None,
        password: Annotated[str | None, Form(description="for an encrypted PDF")] = None,
    ) -> dict[str, Any]:
        """Queue one file for a collection the caller may write (one they see), as the page
        does, and answer at once: the job to follow with GET /api/jobs/{id}. The same bytes
        queued again while their job is open join that job (`new`: false)."""
        wanted = (allowed(user, [collection or settings.default_collection]) or [""])[0]
        data = file.file.read(upload_limit + 1)
        name = file.filename or "upload"
        try:
            job, new = queue_upload(name, data, settings, jobs, wanted, password)
        except StorageError as exc:
            raise HTTPException(507, f"{name}: {exc}") from exc
        except IngestError as exc:
            raise HTTPException(413 if exc.code == "too_big" else 422, f"{name}: {exc}") from exc
        if new:
            audit.record(
                settings.data_dir, user.name, "upload", f"{job.file} (job {job.id}) -> {wanted}, API"
            )
        return {"job": api_job(job), "new": new}

    @app.get("/api/jobs")
    def list_jobs(user: Caller, collection: str | None = None) -> dict[str, Any]:
        """The indexing jobs of your collections, oldest first."""
        return {
            "jobs": [api_job(job) for job in jobs.list(allowed(user, [collection] if collection else None))]
        }

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: int, user: Caller) -> dict[str, Any]:
        """One job: wait for `state` "done" (then `doc_id` names the document) or "failed"."""
        job = jobs.get(job_id)
        if job is None or not user.sees(job.collection):  # another's job: as if there were none
            raise HTTPException(404, f"no job with id {job_id} in your collections")
        return api_job(job)

    @app.delete("/api/documents/{doc_id}")
    def delete(doc_id: str, user: Caller) -> dict[str, str]:
        doc = store.document(doc_id)
        if doc is None or not user.sees(doc.collection):  # another's document: as if there were none
            raise HTTPException(404, f"no document with id {doc_id!r} in your collections")
        store.remove(doc_id)
        audit.record(
            settings.data_dir, user.name, "delete", f"{doc.name} ({doc_id}) from {doc.collection}, API"
        )
        return {"deleted": doc_id}

    return app


def api_job(job: Job) -> dict[str, Any]:
    """A job as `ingest jobs --json` shows it, with its document and its reason's code."""
    return {**job_json(job), "doc_id": job.doc_id, "error_code": (job.error or {}).get("code")}


def allowed(user: User, wanted: list[str] | None) -> list[str] | None:
    """The collections a request may reach: the caller's, narrowed to `wanted`; 403 for one not
    theirs. None stands for every collection."""
    if wanted is None:
        return collections_of(user)
    names = []
    for given in wanted:
        try:
            name = collection_name(given)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        if not user.sees(name):
            raise HTTPException(403, f"the collection {name!r} is not one of yours")
        names.append(name)
    return names


def split_messages(body: ChatRequest) -> tuple[str, list[Message]]:
    """The question (the last user message) and the conversation before it, markers removed."""
    last = max((i for i, m in enumerate(body.messages) if m.role == "user"), default=None)
    if last is None or not body.messages[last].text().strip():
        raise HTTPException(422, "the messages need a user message with text: the question")
    question = body.messages[last].text()
    if len(question) > MAX_QUESTION:
        raise HTTPException(422, f"the question has {len(question)} characters, over {MAX_QUESTION}")
    earlier = [m for m in body.messages[:last] if m.role in ("user", "assistant")][-MAX_HISTORY:]
    history = [{"role": m.role, "content": re.sub(r"\[\d+\]", "", m.text())[:MAX_QUESTION]} for m in earlier]
    return question, history


def extras(final: Answer) -> dict[str, Any]:
    """What OpenAI's format has no field for: the sources, and how the answer was made."""
    citations = [citation_json(c) for c in final.citations]
    return {"citations": citations, "answer_mode": final.mode, "note": final.note}


def stream_chunks(events: Iterator[str | Answer], reply_id: str, created: int, model: str) -> Iterator[str]:
    """Server-sent events as OpenAI streams them; the last chunk carries the citations."""

    def chunk(delta: dict[str, str], finish: str | None, **more: Any) -> str:
        body = {
            "id": reply_id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **more,
        }  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""}, None)
    for event in events:
        if isinstance(event, Answer):
            yield chunk({}, "stop", answer=event.text, **extras(event))  # the text with markers resolved
        elif event:
            yield chunk({"content": event}, None)
    yield "data: [DONE]\n\n"
