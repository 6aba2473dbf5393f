"""A file with a very long name uploads under a bounded name instead of a bare HTTP 400."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ingest.names import MAX_CHARS
from ui.upload_names import BoundUploadNames

PATH = "/_stcore/upload_file/session/file"


async def upload(request: Request) -> JSONResponse:
    """Streamlit's upload handler, reduced to what matters: parse the form, read the file."""
    form = await request.form()
    part = next(iter(form.values()))
    return JSONResponse({"name": part.filename, "size": len(await part.read()),  # type: ignore[union-attr]
                         "length": int(request.headers["content-length"])})  # fmt: skip


def client(bounded: bool) -> TestClient:
    app = Starlette(routes=[Route(PATH, upload, methods=["PUT"])])
    return TestClient(BoundUploadNames(app) if bounded else app)


def put(test: TestClient, name: str, field: str = "file"):  # type: ignore[no-untyped-def]
    return test.put(PATH, files={field: (name, "长江是中国最长的河流。".encode(), "text/plain")})


def test_a_name_of_3000_chinese_characters_uploads_under_a_bounded_name():
    name = "很长的文件名" * 500 + ".txt"
    assert put(client(bounded=False), name).status_code == 400  # what the page showed as AxiosError
    assert put(client(bounded=False), name, field=name).status_code == 400
    answer = put(client(bounded=True), name, field=name)  # Streamlit's page names the field so too
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert (
        len(got["name"]) <= MAX_CHARS
        and got["name"].endswith(".txt")
        and got["name"].startswith("很长的文件名")
    )
    assert got["size"] == len("长江是中国最长的河流。".encode())


def test_ordinary_names_and_other_requests_pass_unchanged():
    for name in ("报告.pdf", "a" * (MAX_CHARS - 3) + ".md"):
        assert put(client(bounded=True), name).json()["name"] == name
