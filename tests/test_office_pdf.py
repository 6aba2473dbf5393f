"""Word and PowerPoint through LibreOffice where it is installed and RAG_OFFICE_PDF=auto: pages
numbered as printed; a failed conversion leaves the file to the native readers, with a warning;
hostile packages are refused before LibreOffice sees them."""

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.load import load_file
from ingest.office_pdf import soffice
from ingest.settings import load_settings
from ingest.worker import Reader, reader_from
from tests.office import make_docx, make_pptx, zip_bomb_docx
from tests.pdfs import make_pdf


class FakeConverter:
    """Writes a two-page PDF where LibreOffice would, and remembers where."""

    def __init__(self) -> None:
        self.folders: list[Path] = []

    def __call__(self, path: Path, folder: Path, timeout_s: float) -> Path:
        self.folders.append(folder)
        return make_pdf(
            folder / f"{path.stem}.pdf", ["Revenue grew in 2023.", "星河科技有限公司总部位于杭州。"]
        )


def failing(path: Path, folder: Path, timeout_s: float) -> Path:
    raise IngestError(f"LibreOffice took longer than {timeout_s:.0f} s to convert the file")


def test_a_converted_file_has_the_pdfs_page_numbers_and_no_temporary_files_left(tmp_path):
    convert = FakeConverter()
    loaded = load_file(make_docx(tmp_path / "report.docx"), office=convert)
    assert [(p.page, p.place, p.source) for p in loaded.pages] == [(1, "", "docx-pdf"), (2, "", "docx-pdf")]
    assert "杭州" in loaded.pages[1].text and loaded.warnings == []
    assert convert.folders and not any(folder.exists() for folder in convert.folders)


def test_a_failed_conversion_falls_back_to_the_native_reader_and_says_so(tmp_path):
    loaded = load_file(make_pptx(tmp_path / "deck.pptx"), office=failing, office_timeout_s=5)
    assert [p.place for p in loaded.pages] == ["slide 1", "slide 2", "slide 3"]
    assert [w.code for w in loaded.warnings] == ["office_pdf_failed"]
    assert "longer than 5 s" in loaded.warnings[0].message


def test_a_hostile_package_is_refused_before_conversion(tmp_path):
    convert = FakeConverter()
    with pytest.raises(IngestError, match="ZIP bomb"):
        load_file(zip_bomb_docx(tmp_path / "bomb.docx"), office=convert)
    assert convert.folders == []


def test_the_setting_turns_conversion_on_and_is_off_by_default():
    assert reader_from(load_settings({})).office_pdf is False
    assert reader_from(load_settings({"RAG_OFFICE_PDF": "auto"})).office_pdf is True
    with pytest.raises(ValueError):
        load_settings({"RAG_OFFICE_PDF": "always"})


@pytest.mark.integration
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_a_word_file_to_numbered_pages_in_the_reader_child(tmp_path):
    loaded = Reader(ocr=None, office_pdf=True).read(make_docx(tmp_path / "report.docx"))
    assert loaded.warnings == [] and loaded.pages[0].page == 1 and loaded.pages[0].source == "docx-pdf"
    text = "\n".join(p.text for p in loaded.pages)
    assert "Revenue grew because of strong demand" in text and "星河科技" in text
