"""python -m rag bench retrieval on a tiny BEIR-style set the test writes."""

import json
from pathlib import Path

import pytest

from tests.cli import run, run_json

pytestmark = pytest.mark.integration

CORPUS = [
    ("p-river", "zh", "长江是中国最长的河流，全长约6300公里，最后注入东海。"),
    ("p-tower", "en", "The Eiffel Tower in Paris was completed in 1889 and is about 330 metres tall."),
    ("p-tea", "zh", "龙井茶产自杭州西湖一带，是中国著名的绿茶。"),
    ("p-panda", "en", "Giant pandas live in the mountains of Sichuan and eat mostly bamboo."),
]
QUERIES = [
    ("q1", "zh", "长江有多长？", "p-river", "6300公里"),
    ("q2", "en", "When was the Eiffel Tower completed?", "p-tower", "1889"),
    ("q3", "en", "Which famous green tea comes from Hangzhou?", "p-tea", "龙井茶"),
    ("q4", "zh", "大熊猫主要吃什么？", "p-panda", "bamboo"),
]


def write_set(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for _id, lang, text in CORPUS:
            f.write(
                json.dumps({"_id": _id, "title": "", "text": text, "lang": lang}, ensure_ascii=False) + "\n"
            )
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as f:
        for _id, lang, text, _, gold in QUERIES:
            row = {"_id": _id, "text": text, "lang": lang, "answers": [gold]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    rows = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{gold}\t1" for q, _, _, gold, _ in QUERIES]
    (folder / "qrels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_bench_reports_every_mode_with_sane_metrics(tmp_path):
    folder = write_set(tmp_path / "tiny")
    args = ("bench", "retrieval", str(folder), "--no-cache")
    results = run_json("rag", *args, data_dir=tmp_path / "unused")["results"]
    assert [r["mode"] for r in results] == ["hybrid", "dense", "keyword", "naive"]
    for r in results:
        assert r["dir"] == "tiny" and r["queries"] == 4
        assert 0 <= r["hit@1"] <= r["hit@5"] <= r["hit@10"] <= 1
        assert 0 <= r["mrr@10"] <= 1 and 0 <= r["ndcg@10"] <= 1 and r["p95_ms"] >= r["p50_ms"] > 0
    hybrid = results[0]
    assert hybrid["hit@1"] == 1.0  # four distinct topics, two languages: every question finds its passage


def test_bench_on_milvus_searches_the_same_library_in_both_indexes(tmp_path):
    pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")
    folder = write_set(tmp_path / "tiny")
    args = ("bench", "retrieval", str(folder), "--mode", "hybrid", "--no-cache")
    milvus = {"RAG_INDEX": "milvus", "RAG_MILVUS_URI": str(tmp_path / "milvus" / "milvus.db")}
    results = run_json("rag", *args, data_dir=tmp_path / "unused", **milvus)["results"]
    assert [(r["mode"], r["index"]) for r in results] == [("hybrid", "local"), ("hybrid", "milvus")]
    local, remote = results
    assert local["queries"] == remote["queries"] == 4 and local["docs"] == remote["docs"] == 4
    for metric in ("hit@1", "hit@5", "mrr@10", "ndcg@10"):
        assert remote[metric] == local[metric], metric  # one library: the same ranking


def test_bench_answers_in_extractive_mode(tmp_path):
    folder = write_set(tmp_path / "tiny")
    args = ("bench", "answers", str(folder), "--no-cache")
    results = run_json("rag", *args, data_dir=tmp_path / "unused", RAG_LLM_BASE_URL="")["results"]
    assert len(results) == 1
    r = results[0]
    assert (r["dir"], r["mode"], r["queries"]) == ("tiny", "extractive", 4)
    assert r["answer_contains_gold"] == 1.0  # each answer sentence is quoted from its passage
    assert r["citation_precision"] == 1.0
    # the two same-language answers match; quotes stay in the document's language, so the
    # cross-language ones match only where the label in the question's language outweighs the quote
    assert 0.5 <= r["language_match"] <= 1.0


def test_bench_refuses_a_folder_that_is_not_beir(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run("rag", "bench", "retrieval", str(tmp_path / "empty"), "--no-cache", data_dir=tmp_path)
    assert done.returncode == 1
    assert "not a BEIR-style folder: missing corpus.jsonl, queries.jsonl, qrels.tsv" in done.stderr


def test_search_modes_from_the_command_line(tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text(
        "型号 XR-7731 的电池容量为 5000 毫安时。\n\nThe tower is 330 metres tall.", encoding="utf-8"
    )
    assert run("ingest", "add", str(doc), data_dir=tmp_path / "lib").returncode == 0
    for mode in ("hybrid", "dense", "keyword"):
        hits = run_json("rag", "search", "XR-7731 电池", "--mode", mode, data_dir=tmp_path / "lib")["hits"]
        assert hits and "XR-7731" in hits[0]["text"]
    bad = run("rag", "search", "x", "--mode", "fuzzy", data_dir=tmp_path / "lib")
    assert bad.returncode == 2 and "invalid choice: 'fuzzy'" in bad.stderr


def test_empty_questions_are_skipped_and_unanswerable_ones_should_be_declined(tmp_path):
    folder = write_set(tmp_path / "tiny")
    with (folder / "queries.jsonl").open("a", encoding="utf-8") as f:
        for row in (
            {"_id": "empty", "text": "  ", "lang": "en", "answers": ["x"]},
            {
                "_id": "outside",
                "text": "How many vehicles did Tesla deliver in 2023?",
                "lang": "en",
                "answers": [],
            },
        ):
            f.write(json.dumps(row) + "\n")
    with (folder / "qrels.tsv").open("a", encoding="utf-8") as f:
        f.write("empty\tp-river\t1\n")
    env = {"RAG_LLM_BASE_URL": ""}
    retrieval = run_json(
        "rag", "bench", "retrieval", str(folder), "--mode", "hybrid", "--no-cache", data_dir=tmp_path
    )
    assert retrieval["results"][0]["skipped"] == 1 and retrieval["results"][0]["queries"] == 4
    r = run_json("rag", "bench", "answers", str(folder), "--no-cache", data_dir=tmp_path, **env)["results"][0]
    assert (r["queries"], r["skipped"], r["answerable"]) == (5, 1, 4)
    assert r["answer_contains_gold"] == 1.0 and r["declined_unanswerable"] == 1.0
    assert r["found_rate"] == 4 / 5


def test_ask_takes_a_data_dir_and_says_whether_it_found_the_answer(tmp_path):
    doc = tmp_path / "river.txt"
    doc.write_text(CORPUS[0][2], encoding="utf-8")
    library = tmp_path / "lib"
    assert run("ingest", "add", str(doc), data_dir=library).returncode == 0
    elsewhere = {"RAG_LLM_BASE_URL": "", "RAG_DATA_DIR": str(tmp_path / "unused")}
    found = run_json("rag", "ask", "长江有多长？", "--data-dir", str(library), data_dir=library, **elsewhere)
    assert found["found"] is True and "6300公里" in found["answer"]
    outside = run_json(
        "rag",
        "ask",
        "特斯拉2023年交付了多少辆汽车？",
        "--data-dir",
        str(library),
        data_dir=library,
        **elsewhere,
    )
    assert outside["found"] is False and outside["citations"] and not outside["citations"][0]["cited"]
