"""python -m bench formats DIR...: reading speed per file type, through the reader child
process with the configured limits and OCR engine: files read, characters per second of
reading, and failures (with their messages), for every supported file under the folders."""

import argparse
import json
import sys
import time
from pathlib import Path

from ingest.errors import IngestError
from ingest.load import SUPPORTED
from ingest.settings import load_settings
from ingest.worker import reader_from


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench formats", description=__doc__)
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    files = sorted(
        p for folder in options.folders if folder.is_dir() for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED
    )  # fmt: skip
    report = measure(files)
    print(json.dumps(report, ensure_ascii=False) if options.json else render(report))
    return 0


def measure(files: list[Path]) -> dict[str, dict[str, object]]:
    reader = reader_from(load_settings())
    report: dict[str, dict[str, object]] = {}
    for path in files:
        kind = path.suffix.lower().lstrip(".")
        row = report.setdefault(kind, {"files": 0, "read": 0, "chars": 0, "seconds": 0.0, "failed": {}})
        row["files"] += 1  # type: ignore[operator]
        start = time.perf_counter()
        try:
            loaded = reader.read(path)
        except IngestError as exc:
            row["failed"][path.name] = str(exc)[:200]  # type: ignore[index]
            continue
        finally:
            row["seconds"] += time.perf_counter() - start  # type: ignore[operator]
        row["read"] += 1  # type: ignore[operator]
        row["chars"] += sum(len(p.text) for p in loaded.pages)  # type: ignore[operator]
    for row in report.values():
        seconds = float(row["seconds"])  # type: ignore[arg-type]
        row["seconds"] = round(seconds, 2)
        row["chars_per_s"] = round(int(row["chars"]) / seconds) if seconds else None  # type: ignore[call-overload]
    return report


def render(report: dict[str, dict[str, object]]) -> str:
    lines = ["reading per file type (child process, limits and OCR as configured):"]
    for kind, row in sorted(report.items()):
        failed: dict[str, str] = row["failed"]  # type: ignore[assignment]
        lines.append(
            f"  .{kind:5} {row['read']}/{row['files']} files read, {row['chars']:,} characters in "
            f"{row['seconds']} s = {row['chars_per_s']:,} chars/s, {len(failed)} failed"
        )
        lines += [f"      failed {name}: {reason}" for name, reason in failed.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
