"""RapidOCR: PaddleOCR's PP-OCR detection and recognition models (shipped inside the
rapidocr-onnxruntime wheel: no download) run by onnxruntime; reads Chinese and English."""

import functools
from dataclasses import dataclass
from typing import Any

INSTALL = "pip install rapidocr-onnxruntime"


@dataclass(frozen=True)
class RapidOcr:
    """The RapidOCR engine; pages are rendered at `dpi` for it."""

    dpi: int = 300

    def missing(self) -> str:
        """Why this engine cannot run here, or '' when it can."""
        try:
            import rapidocr_onnxruntime  # noqa: F401  (a heavy import: only checked, used in the child)
        except ImportError as exc:  # not installed, or OpenCV without its system libraries (libGL)
            return f"the OCR engine RapidOCR cannot be loaded ({exc}; {INSTALL})"
        return ""

    def read(self, png: bytes) -> str:
        result, _ = _engine()(png)
        return lines_text(result or [])


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # loads the models once per reader process

    return RapidOCR()


def lines_text(found: list[Any]) -> str:
    """Detected boxes ([corners], text, score) -> lines in reading order: boxes whose vertical
    centres are within half a line height are one line, read left to right."""
    boxes = []
    for corners, text, _score in found:
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
