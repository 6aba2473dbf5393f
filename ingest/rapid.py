"""RapidOCR: PaddleOCR's PP-OCR detection and recognition models (shipped inside the
rapidocr-onnxruntime wheel: no download) run by onnxruntime; reads Chinese and English.

onnxruntime's thread pools are kept small: by default each of the three models' sessions starts
a thread per core, and in the reader child, whose address space is capped (RLIMIT_AS,
RAG_PARSE_MEMORY_MB), every thread's stack and every malloc arena that contention creates take
their share of it; on a many-core machine under load an allocation then fails inside a model run
(an ONNXRuntimeError). The child also caps malloc's arenas (ingest/worker.py)."""

import functools
import os
from dataclasses import dataclass
from typing import Any

from ingest.word_spaces import spaced

INSTALL = "pip install rapidocr-onnxruntime"
MAX_THREADS = 4  # per model session; more cores than this add little to one page's OCR


@dataclass(frozen=True)
class RapidOcr:
    """The RapidOCR engine; pages are rendered at `dpi` for it. `fallback` is the tesseract
    languages a page is read with once when RapidOCR fails on it ("": no second try)."""

    dpi: int = 300
    fallback: str = ""

    def missing(self) -> str:
        """Why this engine cannot run here, or '' when it can."""
        try:
            import rapidocr_onnxruntime  # noqa: F401  (a heavy import: only checked, used in the child)
        except ImportError as exc:  # not installed, or OpenCV without its system libraries (libGL)
            return f"the OCR engine RapidOCR cannot be loaded ({exc}; {INSTALL})"
        return ""

    def read(self, png: bytes) -> str:
        result, _ = _engine()(png, return_word_box=True)
        return lines_text(result or [])


def threads() -> int:
    """Threads per model session: the cores this process may use, at most MAX_THREADS."""
    return max(1, min(MAX_THREADS, len(os.sched_getaffinity(0))))


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # loads the models once per reader process

    # the wheel already turns onnxruntime's memory arena off (memory goes back after each run)
    return RapidOCR(intra_op_num_threads=threads(), inter_op_num_threads=1)


def lines_text(found: list[Any]) -> str:
    """Detected boxes ([corners], text, score[, character boxes, characters]) -> lines in
    reading order: boxes whose vertical centres are within half a line height are one line,
    read left to right; dropped word spaces put back where the character boxes show them."""
    boxes = []
    for corners, text, *rest in found:
        if len(rest) >= 3:
            text = spaced(text, rest[1], rest[2])
        ys = [point[1] for point in corners]
        xs = [point[0] for point in corners]
        boxes.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), text))
    boxes.sort()
    lines: list[list[tuple[float, str]]] = []
    last_centre, last_height = None, 0.0
    for centre, height, left, text in boxes:
        if last_centre is not None and abs(centre - last_centre) <= max(height, last_height) / 2:
            lines[-1].append((left, text))
        else:
            lines.append([(left, text)])
            last_centre, last_height = centre, height
    return "\n".join(" ".join(text for _, text in sorted(line)) for line in lines)
