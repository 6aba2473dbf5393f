import hashlib
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.dense import DenseView, Prototypes
from rag.retrieve import Retriever, fuse, interleave
from rag.translate import chinese_terms


def build(tmp_path: Path, embedder, docs: dict[str, str], tokens: int = 40) -> Store:
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)
    entries = [
        prepare(name, name, len(text), [Page(1, text, "text")], embedder, tokens, tokens // 4)
        for name, text in docs.items()
    ]
    store.add(entries)
    return store


def test_traditional_question_finds_simplified_text_through_keywords(tmp_path, fake_embedder):
    store = build(tmp_path, fake_embedder, {"tw": "台湾的首都是台北。", "cn": "北京是中国的首都。"})
    retriever = Retriever(store, fake_embedder)
    assert [h.doc for h in retriever.search("臺灣", k=2, mode="keyword")] == ["tw"]
    assert [h.doc for h in retriever.search("臺灣首都", k=2, mode="keyword")] == ["tw", "cn"]


def test_hybrid_finds_exact_terms_and_filters_documents(tmp_path, fake_embedder):
    docs = {
        "a": "型号 XR-7731 的电池容量为 5000 毫安时。",
        "b": "The XR-7731 ships with a 65 W charger.",
        "c": "长江是中国最长的河流。",
    }
    retriever = Retriever(build(tmp_path, fake_embedder, docs), fake_embedder)
    assert retriever.search("XR-7731 电池", k=3)[0].doc == "a"
    assert [h.doc for h in retriever.search("XR-7731", k=3, mode="keyword")] in (["a", "b"], ["b", "a"])
    only_b = retriever.search("XR-7731 电池", k=3, doc_ids=["b", "missing"])
    assert [h.doc for h in only_b] == ["b"]
    assert retriever.search("XR-7731", k=3, doc_ids=[]) == []


def test_removing_a_document_removes_it_from_both_legs(tmp_path, fake_embedder):
    store = build(tmp_path, fake_embedder, {"a": "量子计算机使用量子比特。", "b": "经典计算机使用比特。"})
    retriever = Retriever(store, fake_embedder)
    assert store.remove("a")
    for mode in ("dense", "keyword", "hybrid"):
        assert all(h.doc != "a" for h in retriever.search("量子比特", k=5, mode=mode))  # type: ignore[arg-type]


def test_overlapping_passages_of_one_page_are_merged(tmp_path, fake_embedder):
    text = "".join(f"第{i}条：熊猫每天吃竹子{i}公斤。" for i in range(12))
    store = build(tmp_path, fake_embedder, {"panda": text}, tokens=24)
    assert len(store.chunks()) > 3
    hits = Retriever(store, fake_embedder).search("熊猫每天吃竹子", k=5)
    spans = [(h.start, h.end) for h in hits]
    for i, (s1, e1) in enumerate(spans):
        for s2, e2 in spans[i + 1 :]:
            assert e1 <= s2 or e2 <= s1  # nothing shown twice
    for h in hits:
        assert text[h.start : h.end] == h.text


def test_fusion_scales_each_leg_and_weighs_them_equally():
    fused = fuse({1: 0.9, 2: 0.5, 3: 0.1}, {2: 12.0, 4: 2.0, 5: 7.0}, lambda i: i != 5)
    assert fused == pytest.approx({1: 0.5, 2: 0.25 + 0.5, 3: 0.0, 4: 0.0, 5: 0.5 * 0.5 * 0.1})
    assert fuse({}, {7: 3.0}, lambda i: True) == {7: 0.5}


def test_bad_arguments_are_refused(tmp_path, fake_embedder):
    retriever = Retriever(build(tmp_path, fake_embedder, {"a": "文本。"}), fake_embedder)
    with pytest.raises(ValueError, match="the question is empty"):
        retriever.search("  ")
    with pytest.raises(ValueError, match="k must be > 0, got 0"):
        retriever.search("文本", k=0)
    with pytest.raises(ValueError, match="mode must be one of hybrid, dense, keyword, got 'fuzzy'"):
        retriever.search("文本", mode="fuzzy")  # type: ignore[arg-type]


def test_reranker_reorders(tmp_path, fake_embedder):
    class ByLength:
        def rerank(self, query: str, texts: list[str]) -> list[float]:
            return [float(len(t)) for t in texts]

    store = build(tmp_path, fake_embedder, {"short": "猫。", "long": "猫喜欢在阳光下睡觉，也喜欢吃鱼。"})
    hits = Retriever(store, fake_embedder, reranker=ByLength()).search("猫", k=2)
    assert [h.doc for h in hits] == ["long", "short"]


class BiasedEmbedder:
    """Topic vectors plus a strong language direction, as multilingual models have."""

    name, dim = "biased", 32

    def _unit(self, seed: str) -> np.ndarray:
        rng = np.random.default_rng(int(hashlib.md5(seed.encode()).hexdigest()[:8], 16))
        v = rng.normal(size=self.dim)
        return v / np.linalg.norm(v)

    def _vector(self, text: str, role: str) -> np.ndarray:
        topic, lang = text.split("|")[0], "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"
        v = self._unit(topic) + 1.2 * self._unit(lang) + 0.5 * self._unit(role) + 0.3 * self._unit(text)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vector(t, "p") for t in texts], dtype=np.float32).reshape(-1, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vector(t, "q") for t in texts], dtype=np.float32).reshape(-1, self.dim)

    def count_tokens(self, text: str) -> int:
        return len(text)


def test_centering_and_calibration_let_a_chinese_question_find_an_english_passage(tmp_path):
    embedder = BiasedEmbedder()
    docs = {f"zh{i}": f"t{i}|中文段落{i}。" for i in range(60)}
    docs["en-gold"] = "gold|An English passage about the question's topic."
    docs.update({f"en{i}": f"u{i}|Another English passage {i}." for i in range(60)})
    store = build(tmp_path, embedder, docs, tokens=200)
    retriever = Retriever(store, embedder)
    question = embedder.embed_queries(["gold|关于这个主题的问题？"])[0]
    view = retriever.view()
    raw = view.matrix @ question
    names = {c_id: store.chunks_by_id([c_id])[c_id].doc_id for c_id in view.ids.tolist()}
    raw_best = names[int(view.ids[np.argmax(raw)])]
    assert raw_best.startswith("zh")  # the bias this fixes: any Chinese passage wins
    assert retriever.search("gold|关于这个主题的问题？", k=1, mode="dense")[0].doc == "en-gold"


def test_one_language_library_ranks_as_plain_cosine(tmp_path):
    embedder = BiasedEmbedder()
    store = build(tmp_path, embedder, {f"d{i}": f"t{i % 7}|段落{i}。" for i in range(50)}, tokens=200)
    view = DenseView(store.indexes().segments(), store.indexes().removed, Prototypes.embed(embedder))
    for topic in range(7):
        q = embedder.embed_queries([f"t{topic}|问题？"])[0]
        assert np.array_equal(np.argsort(-(view.matrix @ q)), np.argsort(-view.scores(q, "zh")))


def test_a_lone_passage_in_another_language_neither_always_wins_nor_always_loses(tmp_path):
    embedder = BiasedEmbedder()
    docs = {f"zh{i}": f"t{i}|中文段落{i}。" for i in range(60)}
    docs["en-only"] = "lone|The only English passage."
    retriever = Retriever(build(tmp_path, embedder, docs, tokens=200), embedder)
    assert retriever.search("lone|关于它的问题？", k=1, mode="dense")[0].doc == "en-only"
    assert retriever.search("t5|关于第五个主题？", k=1, mode="dense")[0].doc == "zh5"
    assert np.isfinite(retriever.view().scores(embedder.embed_queries(["x|问题"])[0], "zh")).all()


def test_keywords_reorder_within_a_language_but_dense_scores_interleave_languages():
    langs = {1: "zh", 2: "zh", 3: "en", 4: "en"}
    dense = {1: 0.9, 2: 0.5, 3: 0.8, 4: 0.2}
    fused = {1: 0.2, 2: 0.9, 3: 0.1, 4: 0.6}  # keywords favour 2 over 1 and 4 over 3
    final = interleave(fused, dense, langs)
    assert final == {2: 0.9, 1: 0.5, 4: 0.8, 3: 0.2}
    assert sorted(final, key=lambda i: -final[i]) == [2, 4, 1, 3]


def test_english_questions_find_chinese_passages_by_translated_keywords(tmp_path, fake_embedder):
    docs = {
        "chicago": "芝加哥大学成立于一八九〇年，位于美国伊利诺伊州。",
        "river": "长江是中国最长的河流，全长约六千三百公里。",
        "capital": "北京是中国的首都，也是政治文化中心。",
    }
    store = build(tmp_path, fake_embedder, docs)
    retriever = Retriever(store, fake_embedder)
    question = "When was the University of Chicago founded?"
    assert retriever.search(question, k=3, mode="keyword") == []  # no shared words at all
    keywords = store.indexes().keywords
    doc_of = {i: c.doc_id for i, c in store.chunks_by_id(store.chunk_ids()).items()}
    for asked, wanted in ((question, "chicago"), ("How long is the longest river in China?", "river")):
        ranked = keywords.search_any(chinese_terms(asked), 3)
        assert doc_of[ranked[0][0]] == wanted
    # in the fusion, the translated leg is evidence in the passages' own language
    fused = fuse({1: 0.5, 2: 0.45, 3: 0.2}, {}, lambda i: False, {2: 3.0, 3: 1.0})
    assert fused[2] > fused[1] > fused[3]


def test_the_typical_questions_are_embedded_once_per_library(tmp_path, fake_embedder):
    store = build(tmp_path, fake_embedder, {"a": "长江是中国最长的河流。"})
    calls: list[int] = []
    real = fake_embedder.embed_queries

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return real(texts)

    fake_embedder.embed_queries = counting
    first = Retriever(store, fake_embedder).view()
    assert len(calls) == 2  # the Chinese and the English prototypes
    again = Retriever(store, fake_embedder).view()  # a restarted app
    assert len(calls) == 2
    assert np.array_equal(first.prototypes.questions["zh"], again.prototypes.questions["zh"])
    for stored in tmp_path.glob("lib/prototypes-*.npz"):
        stored.write_bytes(b"damaged")
    Retriever(store, fake_embedder).view()
    assert len(calls) == 4  # a damaged file is embedded again, not an error


def test_a_statement_line_is_found_by_the_name_the_question_gives_it(tmp_path, fake_embedder):
    docs = {
        "cash flows": "Investing activities:\nPurchases of property and equipment | (4,120) | (3,870)",
        "outlook": "Our outlook depends on demand and on prices in every market we serve.",
        "现金流量表": "购建固定资产、无形资产和其他长期资产支付的现金 | 8,120 | 6,350",
        "展望": "公司预计明年市场需求保持稳定。",
    }
    retriever = Retriever(build(tmp_path, fake_embedder, docs), fake_embedder)
    assert retriever.search("capital expenditure in 2023", k=1, mode="keyword")[0].doc == "cash flows"
    assert retriever.search("2023年资本性支出", k=1, mode="keyword")[0].doc == "现金流量表"
