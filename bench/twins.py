"""python -m bench.twins DATA OUT: answerable/unanswerable twin sets that the decline rule was
not tuned on, built as the shared twins are (one question per paragraph; the unanswerable twin
is the library without those questions' gold paragraphs, the rest of each article kept), from
drcd_dev (200 questions), xquad_zh2zh and xquad_en2en (100 each, over the paragraphs the shared
xquad_en_ans does not use). Then: python -m bench answers OUT/*."""

import json
import random
import sys
from pathlib import Path

from bench.retrieval import BeirSet, read_beir

SEED = 7
SETS = (("drcd", "drcd_dev", 200), ("xquad_zh", "xquad_zh2zh", 100), ("xquad_en", "xquad_en2en", 100))


def paragraph(corpus_id: str) -> str:
    """The paragraph a corpus id stands for in any language: 'xq-p81-en' -> 'xq-p81'."""
    return corpus_id.rsplit("-", 1)[0] if corpus_id.startswith("xq-") else corpus_id


def twins(bench: BeirSet, n: int, avoid: set[str]) -> tuple[BeirSet, BeirSet]:
    """n answerable questions, each over its own gold paragraph, none over a paragraph in `avoid`."""
    queries = list(bench.queries)
    random.Random(SEED).shuffle(queries)
    chosen: list[dict] = []
    used: set[str] = set()
    for query in queries:
        gold = bench.qrels.get(query["_id"], set())
        if len(gold) != 1 or not query.get("answers") or not query["text"].strip():
            continue
        (doc,) = gold
        if doc in used or paragraph(doc) in avoid:
            continue
        chosen.append(query)
        used.add(doc)
        if len(chosen) == n:
            break
    qrels = {q["_id"]: bench.qrels[q["_id"]] for q in chosen}
    answerable = BeirSet(bench.name + "_ans", bench.corpus, chosen, qrels)
    rest = [c for c in bench.corpus if c["_id"] not in used]
    unanswerable = BeirSet(bench.name + "_unans", rest, [dict(q, answers=[]) for q in chosen], {})
    return answerable, unanswerable


def write(bench: BeirSet, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", bench.corpus), ("queries.jsonl", bench.queries)):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    lines = [f"{q}\t{d}\t1\n" for q, docs in bench.qrels.items() for d in sorted(docs)]
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(lines), "utf-8")


def main(data: Path, out: Path) -> None:
    tuned = read_beir(data / "xquad_en_ans")
    avoid = {paragraph(d) for docs in tuned.qrels.values() for d in docs}
    for name, source, n in SETS:
        for bench in twins(read_beir(data / source), n, avoid):
            folder = out / bench.name.replace(source, name)
            write(bench, folder)
            print(f"{folder}: {len(bench.queries)} questions, {len(bench.corpus)} passages")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
