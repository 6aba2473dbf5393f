"""Word and PowerPoint files through LibreOffice where it is installed and RAG_OFFICE_PDF=auto:
converted to PDF (in the reader child, in a temporary folder, under a time limit) so that
passages carry the page numbers a printout has. Off by default: the native readers keep what a
PDF loses (heading paths, speaker notes, table cells), and LibreOffice takes seconds to start.
Any failure of the conversion leaves the file to the native readers, with a warning."""

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ingest.errors import IngestError
from ingest.pdf import load_pdf
from ingest.readers.package import check_package
from ingest.records import Page

CONVERTED = {".docx", ".pptx"}
NAMES = ("soffice", "libreoffice")
# (file, folder to write in, seconds) -> the PDF written there
Convert = Callable[[Path, Path, float], Path]


def soffice() -> str | None:
    """LibreOffice's command where it is installed, else None."""
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def libreoffice(command: str) -> Convert:
    """A converter running `command` headless, with its own profile in the folder (two
    conversions at once would otherwise share, and lock, the user's profile)."""

    def convert(path: Path, folder: Path, timeout_s: float) -> Path:
        profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
        try:
            done = subprocess.run(
                [command, "--headless", "--norestore", profile,
                 "--convert-to", "pdf", "--outdir", str(folder), str(path)],
                capture_output=True, timeout=timeout_s,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise IngestError(f"LibreOffice took longer than {timeout_s:.0f} s to convert the file") from exc
        written = folder / f"{path.stem}.pdf"
        if done.returncode != 0 or not written.is_file():
            detail = done.stderr.decode(errors="replace").strip()[-200:] or f"exit status {done.returncode}"
            raise IngestError(f"LibreOffice could not convert the file ({detail})")
        return written

    return convert


def read_via_pdf(path: Path, convert: Convert, timeout_s: float, max_pages: int = 0) -> list[Page]:
    """The file's pages as LibreOffice prints them; the PDF is read as any PDF is, then deleted.
    The package is checked first (ZIP bombs, entity declarations), as the native readers do."""
    check_package(path, path.suffix.lower())
    with tempfile.TemporaryDirectory(prefix="docqa-office-") as folder:
        pdf = convert(path, Path(folder), timeout_s)
        pages = load_pdf(pdf, None, max_pages)
    source = f"{path.suffix.lower().lstrip('.')}-pdf"
    return [replace(page, source=source) for page in pages]
