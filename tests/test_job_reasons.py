"""Each way a file fails is raised with its own code at the source (ingest.errors), stored
with the job, and shown in the person's interface language."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.deadline import Deadline
from ingest.errors import CODES, EmbedderUnavailable, IngestError, StorageError
from ingest.job import FAILED, Job
from ingest.job_errors import reason
from ingest.limits import check_file_size, check_upload_size
from ingest.load import check_type, load_file
from ingest.worker import Reader
from tests.office import entity_bomb_xlsx, zip_bomb_docx
from tests.pdfs import make_pdf
from ui.i18n import STRINGS
from ui.jobs_view import job_text

CJK = re.compile(r"[\u4e00-\u9fff]")


def fail(exc: Exception) -> None:
    raise exc


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# kind -> how the real code raises it (reading happens in this process: these are unit tests)
FAILURES: dict[str, Callable[[Path], object]] = {
    "missing": lambda d: load_file(d / "gone.txt"),
    "empty": lambda d: load_file(write(d / "empty.txt", b"")),
    "unsupported": lambda d: check_type("setup.exe"),
    "not_pdf": lambda d: load_file(write(d / "fake.pdf", b"not a pdf at all")),
    "damaged": lambda d: load_file(write(d / "broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50)),
    "too_many_pages": lambda d: load_file(make_pdf(d / "three.pdf", ["one", "two", "three"]), max_pages=2),
    "password": lambda d: load_file(make_pdf(d / "locked.pdf", ["secret"], password="pw")),
    "wrong_password": lambda d: load_file(make_pdf(d / "locked2.pdf", ["secret"], password="pw"), "nope"),
    "not_text": lambda d: load_file(write(d / "binary.txt", b"\x00\x01\x02 binary")),
    "not_image": lambda d: load_file(write(d / "photo.png", b"not a picture"), ocr=None),
    "not_package": lambda d: load_file(write(d / "letter.docx", b"not a zip")),
    "package_too_large": lambda d: load_file(zip_bomb_docx(d / "bomb.docx", inflated_mb=300)),
    "xml_entities": lambda d: load_file(entity_bomb_xlsx(d / "laughs.xlsx")),
    "too_big": lambda d: check_file_size(3_000_000, 2),
    "upload_too_big": lambda d: check_upload_size([3_000_000, 3_000_000], 5),
    "index_timeout": lambda d: Deadline(0.0, 30).check("embedding the passages"),
    "crashed": lambda d: Reader(ocr=None)._answer(-9, b"", b""),
    "storage_full": lambda d: fail(StorageError("full", d)),
    "embedder": lambda d: fail(EmbedderUnavailable("the embedding server is down")),
    "internal": lambda d: fail(RuntimeError("a bug")),
}


def failed_job(error: dict) -> Job:
    return Job(1, "report.pdf", "u.pdf", "c", 1, "hr", FAILED, 0, 0, error, None, "", None)


@pytest.mark.parametrize("kind", FAILURES)
def test_each_failure_carries_its_code_and_reads_in_both_languages(tmp_path, kind):
    with pytest.raises(Exception) as raised:
        FAILURES[kind](tmp_path)
    error = reason(raised.value)
    assert error["code"] == kind, error["message"]
    zh = job_text(STRINGS["zh"], failed_job(error))
    en = job_text(STRINGS["en"], failed_job(error))
    assert CJK.search(zh.replace("report.pdf", "")), zh  # said in Chinese...
    assert error["message"] not in zh, zh  # ...not the reader's English message
    assert zh != en and "{" not in zh + en and "RAG_" not in (zh + en).replace("\\", "")


def test_every_code_has_a_text_in_both_languages_that_takes_its_parameters():
    for lang in ("zh", "en"):
        T = STRINGS[lang]
        for code, params in [*CODES.items(), ("internal", ("detail",))]:
            template = T.get(f"err_{code}") or T.get(code)
            assert template, f"{lang}: no text for the error code {code!r}"
            template.format(**dict.fromkeys(params, "x"))  # no parameter it names is missing


def test_codes_are_checked_when_raised():
    with pytest.raises(ValueError, match="unknown error code"):
        IngestError("?", "no_such_code")
    with pytest.raises(ValueError, match="takes"):
        IngestError("?", "too_big", size_mb=3)
    assert IngestError("a reader's own words").params == {"detail": "a reader's own words"}
