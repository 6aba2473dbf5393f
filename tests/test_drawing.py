"""Page images are drawn in a limited child process, at most MAX_PIXELS: a 7,200 x 7,200 pt page
leaves the server's memory as it was."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from tests.cli import ROOT, env
from ui.drawing import draw_page
from ui.evidence import MAX_PIXELS

pytestmark = pytest.mark.integration

MEASURE = """import resource, sys
from pathlib import Path
from ui.drawing import draw_page
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
image = draw_page(Path(sys.argv[1]), 1, "HUGE PAGE", 60, 2048)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stdout.buffer.write(str(after - before).encode() + b"\\n" + (image or b""))
"""


def huge_pdf(path: Path) -> Path:
    pdf = FPDF(unit="pt", format=(7200, 7200))
    pdf.add_page()
    pdf.set_font("helvetica", size=400)
    pdf.text(500, 3600, "HUGE PAGE")
    pdf.output(str(path))
    return path


def test_a_huge_page_is_drawn_small_in_a_child_and_leaves_the_server_as_it_was(tmp_path):
    pdf = huge_pdf(tmp_path / "huge.pdf")
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(pdf)],
        env=env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    grown_kb, png = done.stdout.split(b"\n", 1)
    assert int(grown_kb) < 50_000  # drawn in-process at 1.5x, this page took well over 1 GB
    image = Image.open(io.BytesIO(png))
    assert image.width * image.height <= MAX_PIXELS and image.width > 1000


def test_a_drawing_over_its_limits_is_stopped_and_gives_no_image(tmp_path):
    pdf = huge_pdf(tmp_path / "huge.pdf")
    assert draw_page(pdf, 1, "HUGE PAGE", timeout_s=60, memory_mb=256) is None  # out of memory
    assert draw_page(pdf, 1, "HUGE PAGE", timeout_s=0.05, memory_mb=2048) is None  # out of time
    assert draw_page(pdf, 2, "HUGE PAGE", timeout_s=60, memory_mb=2048) is None  # no such page
    with pytest.raises(ValueError, match="limits must be positive"):
        draw_page(pdf, 1, "", timeout_s=0, memory_mb=2048)
