"""Interface texts: English counts say "1 document", not "1 documents"; no end-user text names a
setting (RAG_...); reader errors and warnings read in the interface language."""

import re
from dataclasses import asdict
from pathlib import Path

from ingest.errors import IngestError, PasswordRequired
from ingest.job import DONE, FAILED, Job
from ingest.job_errors import reason
from ingest.notice import MESSAGES, notice
from ui.i18n import STRINGS
from ui.jobs_view import job_text
from ui.plural import counted

PLURAL_AFTER_ONE = re.compile(r"\b1 (?:more finished )?(?:documents|files|jobs|passages|pages)\b")


def test_every_counted_english_text_is_singular_for_one():
    counted_keys = [
        key for key, text in STRINGS["en"].items() if "{count}" in text and not key.endswith("_one")
    ]
    assert len(counted_keys) >= 7  # documents, deletion, indexing notes, jobs, collection deletion...
    for key in counted_keys:
        one = counted(STRINGS["en"], key, 1, name="hr", user="u")
        assert not PLURAL_AFTER_ONE.search(one), (key, one)
        assert "2" in counted(STRINGS["en"], key, 2, name="hr", user="u")


def test_chinese_has_one_form():
    assert counted(STRINGS["zh"], "documents", 1) == STRINGS["zh"]["documents"].format(count=1)


def test_no_end_user_text_names_a_setting():
    from rag.answer import NOTES

    texts = {f"{lang}.{key}": text for lang, table in STRINGS.items() for key, text in table.items()}
    texts.update(
        {f"note.{key}.{lang}": text for key, by_lang in NOTES.items() for lang, text in by_lang.items()}
    )
    named = [key for key, text in texts.items() if "RAG_" in text and not key.endswith("_admin")]
    assert named == []


def job(state: str, error: dict | None = None, note: dict | None = None) -> Job:
    return Job(1, "report.pdf", "u.pdf", "c", 1, "hr", state, 0, 0, error, None, "", None, note=note or {})


def test_reader_errors_and_the_password_prompt_read_in_chinese():
    zh = STRINGS["zh"]
    damaged = job_text(
        zh, job(FAILED, reason(IngestError("the PDF is damaged and no reader could open it", "damaged")))
    )
    assert "PDF 已损坏" in damaged and "damaged" not in damaged
    locked = job_text(zh, job(FAILED, reason(PasswordRequired("the PDF is encrypted: give its password"))))
    assert "已加密" in locked and "encrypted" not in locked
    slow = job_text(
        zh,
        job(
            FAILED,
            reason(IngestError("reading took longer than 30 s (RAG_PARSE_TIMEOUT_S)", "timeout", seconds=30)),
        ),
    )
    assert "30 秒" in slow and "RAG_" not in slow.replace("\\", "")


def test_a_warning_shows_without_the_setting_it_names():
    warned = job(DONE, note={"pages": 3, "chunks": 2, "lang": "en", "warnings": [
        "OCR stopped at the time limit (RAG_PARSE_TIMEOUT_S): pages 2, 3 have no text"]})  # fmt: skip
    text = job_text(STRINGS["en"], warned).replace("\\", "")  # markdown escapes: "RAG\\_" reads "RAG_"
    assert (
        "OCR stopped at the time limit" in text and "pages 2, 3 have no text" in text and "RAG_" not in text
    )


def test_reader_warnings_read_in_the_interface_language():
    warnings = [
        notice("ocr_failed", page=3, detail="RuntimeError: onnxruntime: Failed to allocate memory"),
        notice("ocr_deadline", pages="2, 3"),
        notice("ocr_missing", reason="the OCR engine tesseract is not installed (apt-get ...)", pages="1"),
        notice("ocr_off_picture"),
    ]
    note = {"pages": 3, "chunks": 2, "lang": "en", "warnings": [asdict(w) for w in warnings]}
    warned = job(DONE, note=note)
    zh = job_text(STRINGS["zh"], warned).replace("\\", "")
    assert "第 3 页的文字识别（OCR）失败" in zh and "第 2, 3 页没有文字" in zh and "图片中的文字" in zh
    assert not re.search(r"OCR (failed|stopped|is off)|text layer|tesseract|apt-get|RAG_", zh), zh
    en = job_text(STRINGS["en"], warned).replace("\\", "")
    assert "OCR failed on page 3, so it keeps its text layer" in en and "onnxruntime" not in en
    assert "pages 2, 3 have no text" in en and "page 1 has no text" in en and "apt-get" not in en
    for lang, table in STRINGS.items():  # every code has a text in both languages
        assert {f"warn_{code}" for code in MESSAGES} <= set(table), lang


# Pictographs and dingbats: drawn as empty boxes where no emoji font is installed (a server's
# minimal image, many company desktops). Arrows, dashes and CJK punctuation are in every CJK font.
GLYPHS = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF\u2B00-\u2BFF\u231A\u231B\u23E9-\u23FA\uFE0F]")


def test_no_interface_text_or_page_source_uses_emoji_glyphs():
    from rag.answer import NOTES

    texts = {f"{lang}.{key}": text for lang, table in STRINGS.items() for key, text in table.items()}
    texts.update({f"note.{key}.{lang}": t for key, by_lang in NOTES.items() for lang, t in by_lang.items()})
    assert [key for key, text in texts.items() if GLYPHS.search(text)] == []
    pages = Path(__file__).parents[1] / "ui"
    assert [p.name for p in sorted(pages.glob("*.py")) if GLYPHS.search(p.read_text())] == []
