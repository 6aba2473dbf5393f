"""python -m bench filings DIR: questions about one statement line in one year ("What was
Contoso's capital expenditure in 2022?") over filing-like PDFs (tests/filings.py writes them and
DIR/questions.jsonl). Reported per language: the share of questions whose filing is among the
top 5 passages (filing-hit@5), whose answer page is (page-hit@5), and whose top 5 passages
show the line's row with the year's column header (row-with-header@5)."""

import json
import tempfile
from collections import defaultdict
from pathlib import Path

from ingest.embed import Embedder
from ingest.pipeline import add_file
from ingest.settings import Settings
from ingest.store import Store
from rag.retrieve import Hit, Retriever

K = 5


def read_questions(folder: Path) -> list[dict]:
    path = folder / "questions.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(folder: Path, settings: Settings, embedder: Embedder, mode: str = "hybrid") -> dict[str, object]:
    """Every filing in one library; each question asked of all of them."""
    questions = read_questions(folder)
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        store = Store(Path(data_dir), embedder.name, embedder.dim)
        names = {}
        for name in sorted({q["filing"] for q in questions}):
            added = add_file(folder / name, store, embedder, settings.chunk_tokens, settings.chunk_overlap)
            names[added.document.doc_id] = name
        retriever = Retriever(store, embedder)
        for q in questions:
            hits = retriever.search(q["question"], K, mode)  # type: ignore[arg-type]
            mine = [h for h in hits if names.get(h.doc_id) == q["filing"]]
            rows.append({
                "question": q["question"], "lang": "zh" if q["filing"].startswith("xinghe") else "en",
                "filing": bool(mine), "page": any(h.page <= q["page"] <= h.page_end for h in mine),
                "row_with_header": any(shows_row(h, q) for h in mine),
            })  # fmt: skip
    return {"mode": mode, "chunk_tokens": settings.chunk_tokens, "by_lang": _shares(rows), "rows": rows}


def shows_row(hit: Hit, question: dict) -> bool:
    """The passage holds the line's row (label and value) and, above it, a line naming the year."""
    lines = hit.text.splitlines()
    row = next((i for i, line in enumerate(lines) if _is_row(line, question)), None)
    return row is not None and any(question["year"] in line for line in lines[:row])


def _is_row(line: str, question: dict) -> bool:
    cells = [cell.replace("$", "").strip() for cell in line.split(" | ")]
    return len(cells) > 1 and cells[0] == question["line"].strip() and question["value"] in cells[1:]


def _shares(rows: list[dict]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["lang"]].append(row)
        groups["all"].append(row)
    return {
        lang: {"questions": len(members), **{
            f"{key}@{K}": round(sum(r[key] for r in members) / len(members), 3)
            for key in ("filing", "page", "row_with_header")
        }}
        for lang, members in groups.items()
    }  # fmt: skip


def render(report: dict[str, object]) -> str:
    rows = report["rows"]
    by_lang = report["by_lang"]
    assert isinstance(rows, list) and isinstance(by_lang, dict)
    lines = [f"{'filing':<8}{'page':<6}{'row':<5}question"]
    lines += [
        f"{'yes' if r['filing'] else '-':<8}{'yes' if r['page'] else '-':<6}"
        f"{'yes' if r['row_with_header'] else '-':<5}{r['question']}"
        for r in rows
    ]
    for lang, shares in by_lang.items():
        lines.append(
            f"{lang}: {shares['questions']} questions ({report['mode']}, chunks of {report['chunk_tokens']} "
            f"tokens): filing-hit@{K} {shares[f'filing@{K}']:.2f}, page-hit@{K} {shares[f'page@{K}']:.2f}, "
            f"row-with-header@{K} {shares[f'row_with_header@{K}']:.2f}"
        )
    return "\n".join(lines)
