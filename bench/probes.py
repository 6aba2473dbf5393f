"""python -m bench probes DIR: answers on real PDFs. Each probe (bench/probes_data/pdfs.jsonl) is a
question whose exact answer (a number, date, name or table cell) stands on one page of one PDF
under DIR, some asked across languages; probes with no PDF are questions the library does not
answer, whose right outcome is a decline. Reported: the share of answers holding the fact,
of answers citing a page holding it (and the page the probe names), and of out-of-library
questions declined."""

import json
import tempfile
from pathlib import Path

from bench.answers import contains_gold
from ingest.embed import Embedder
from ingest.pipeline import add_file
from ingest.settings import Settings
from ingest.store import Store
from rag.answer import answer
from rag.citations import Citation
from rag.llm import ChatModel
from rag.retrieve import Retriever

PROBES = Path(__file__).parent / "probes_data" / "pdfs.jsonl"


def read_probes(path: Path = PROBES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fact_page(cited: list[Citation], ids: dict[str, str], probe: dict) -> tuple[bool, bool]:
    """Whether the cited passages stand on a page holding the probe's fact, and whether on the
    page the probe names. A fact can stand on several pages (a quarter's earnings per share in
    the summary and again in the income statement): a cited passage holding it counts."""
    mine = [c for c in cited if ids.get(c.doc_id) == probe["pdf"]]
    named = any(c.page <= probe["page"] <= c.page_end for c in mine)
    return named or any(contains_gold(c.text, probe["answers"]) for c in mine if probe["answers"]), named


def run(
    folder: Path, settings: Settings, embedder: Embedder, llm: ChatModel | None, path: Path = PROBES
) -> dict[str, object]:
    """Every PDF the probes name is put in one library; each probe is asked of it."""
    probes = read_probes(path)
    named = sorted({p["pdf"] for p in probes if p["pdf"]})
    present = [name for name in named if (folder / name).is_file()]
    asked = [p for p in probes if p["pdf"] is None or p["pdf"] in present]
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        store = Store(Path(data_dir), embedder.name, embedder.dim)
        ids = {}
        for name in present:
            added = add_file(folder / name, store, embedder, settings.chunk_tokens, settings.chunk_overlap)
            ids[added.document.doc_id] = name
        retriever = Retriever(store, embedder)
        for probe in asked:
            final = answer(probe["question"], retriever, llm, k=settings.top_k)
            cited = [c for c in final.citations if c.cited]
            on_page, on_named = fact_page(cited, ids, probe)
            holds = bool(probe["answers"]) and final.found and contains_gold(final.text, probe["answers"])
            rows.append({
                "question": probe["question"], "found": final.found, "mode": final.mode, "holds_fact": holds,
                "cites_page": on_page, "cites_named_page": on_named, "answerable": probe["pdf"] is not None,
            })  # fmt: skip
    answerable = [r for r in rows if r["answerable"]]
    outside = [r for r in rows if not r["answerable"]]
    n = max(len(answerable), 1)
    return {
        "pdfs": len(present), "missing": len(named) - len(present), "questions": len(answerable),
        "holds_fact": sum(r["holds_fact"] for r in answerable) / n,
        "cites_fact_page": sum(r["cites_page"] for r in answerable) / n,
        "cites_named_page": sum(r["cites_named_page"] for r in answerable) / n,
        "found_rate": sum(r["found"] for r in answerable) / n,
        "declined_outside": sum(not r["found"] for r in outside) / max(len(outside), 1),
        "rows": rows,
    }  # fmt: skip


def render(report: dict[str, object]) -> str:
    rows = report["rows"]
    assert isinstance(rows, list)
    lines = [
        f"{'ok':<4}{'page':<6}{'found':<7}question",
        *(
            f"{'yes' if r['holds_fact'] else '-':<4}{'yes' if r['cites_page'] else '-':<6}"
            f"{'yes' if r['found'] else 'no':<7}{r['question']}"
            for r in rows
        ),
        f"{report['questions']} questions over {report['pdfs']} PDFs: answer holds the fact "
        f"{report['holds_fact']:.2f}, cites the fact's page {report['cites_fact_page']:.2f} "
        f"(the page the probe names {report['cites_named_page']:.2f}), "
        f"found {report['found_rate']:.2f}; out-of-library questions declined "
        f"{report['declined_outside']:.2f}",
    ]
    return "\n".join(lines)
