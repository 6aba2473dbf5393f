import socket

import pytest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.answer import DECLINE, Answer, answer, ask
from rag.llm import LLM
from rag.prompts import SYSTEM
from rag.retrieve import Retriever
from tests.fakes import FakeEmbedder, FakeLLM

DOCS = {
    "yangtze.pdf": (
        "The Yangtze is the longest river in China. "
        "It is about 6,300 km long and flows into the East China Sea."
    ),
    "公司简介.pdf": "星河科技有限公司成立于2012年，总部位于杭州。公司主要生产数据存储设备。",
}


@pytest.fixture
def retriever(tmp_path) -> Retriever:
    embedder = FakeEmbedder()
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)
    store.add([prepare(n, n, 10, [Page(1, t, "text")], embedder, 60, 0) for n, t in DOCS.items()])
    return Retriever(store, embedder)


def test_llm_answer_streams_and_resolves_citations(retriever):
    llm = FakeLLM(["星河科技成立于2012年[1]，总部在杭州[1][7]。"])
    events = list(ask("星河科技是哪一年成立的？", retriever, llm, k=2))
    final = events[-1]
    assert isinstance(final, Answer) and all(isinstance(e, str) for e in events[:-1])
    assert final.mode == "llm" and final.language == "zh" and final.removed_markers == 1
    assert final.text == "星河科技成立于2012年[1]，总部在杭州[1]。"
    assert "".join(events[:-1]) == final.text  # streamed as shown at the end: no [7] flashing by
    first = final.citations[0]
    assert first.cited and first.doc == "公司简介.pdf" and first.page == 1 and "2012" in first.text
    assert "[1] 公司简介.pdf, 第 1 页" in llm.sent[0][-1]["content"]


def test_answer_language_follows_the_question(retriever):
    llm = FakeLLM(["长江约6300公里长[1]。", "It was founded in 2012 [1]."])
    zh = answer("长江有多长？", retriever, llm)
    assert zh.language == "zh" and llm.sent[0][0]["content"] == SYSTEM["zh"]
    en = answer("When was Xinghe Technology founded?", retriever, llm)
    assert en.language == "en" and llm.sent[1][0]["content"] == SYSTEM["en"]


def test_a_refusal_passes_through(retriever):
    reply = "文档中找不到这个问题的答案。"
    final = answer("公司的股价是多少？", retriever, FakeLLM([reply]))
    assert final.text == reply and final.mode == "llm" and not any(c.cited for c in final.citations)


def test_follow_up_is_rewritten_before_retrieval(retriever):
    history = [
        {"role": "user", "content": "星河科技是做什么的？"},
        {"role": "assistant", "content": "生产数据存储设备[1]。"},
    ]
    llm = FakeLLM(["星河科技是什么时候成立的？", "成立于2012年[1]。"])
    final = answer("他们什么时候成立的？", retriever, llm, history=history)
    assert final.query == "星河科技是什么时候成立的？"
    assert "他们什么时候成立的？" in llm.sent[0][-1]["content"]  # the rewrite request
    assert llm.sent[1][1:3] == history  # the conversation goes along with the sources
    no_llm = answer("他们什么时候成立的？", retriever, None, history=history)
    assert no_llm.query == "星河科技是做什么的？ 他们什么时候成立的？"
    standalone = answer("长江有多长？", retriever, None, history=history)
    assert standalone.query == "长江有多长？"


def test_failure_of_the_llm_gives_the_extractive_answer_with_a_note(retriever):
    final = answer("How long is the Yangtze?", retriever, FakeLLM(error=ConnectionError("refused")))
    assert final.mode == "extractive"
    assert "could not be used (ConnectionError: refused)" in final.note
    assert final.text.startswith("[Extractive answer]")
    assert "6,300 km" in final.text and "[1]" in final.text
    assert final.citations[0].cited and final.citations[0].doc == "yangtze.pdf"


def test_without_llm_the_answer_is_extractive_and_says_so(retriever):
    final = answer("星河科技总部在哪里？", retriever, None)
    assert final.mode == "extractive" and "未配置大模型" in final.note
    assert final.text.startswith("【摘录式回答】") and "总部位于杭州" in final.text


def test_an_unreachable_server_falls_back(retriever):
    with socket.socket() as probe:  # a local port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    llm = LLM(f"http://127.0.0.1:{port}/v1", "Qwen/Qwen2.5-7B-Instruct", connect_timeout=1.0)
    final = answer("How long is the Yangtze?", retriever, llm)
    assert final.mode == "extractive" and "APIConnectionError" in final.note


def test_empty_library_and_empty_question(tmp_path):
    embedder = FakeEmbedder()
    empty = Retriever(Store(tmp_path / "empty", embedder.name, embedder.dim), embedder)
    final = answer("长江有多长？", empty, FakeLLM())
    assert final.text == "文档库中没有找到与问题相关的内容。" and final.citations == []
    with pytest.raises(ValueError, match="the question is empty"):
        answer(" ", empty, None)


def test_bad_llm_url_is_refused():
    with pytest.raises(ValueError, match="must be an http"):
        LLM("localhost:8000", "m")


def test_a_question_the_documents_do_not_answer_is_declined_with_the_closest_passages(retriever):
    final = answer("What is the capital of Australia?", retriever, None)
    assert not final.found and final.text == DECLINE["en"]
    assert final.citations and not any(c.cited for c in final.citations)  # offered, not cited
    zh = answer("特斯拉去年交付了多少辆汽车？", retriever, None)
    assert not zh.found and zh.text == DECLINE["zh"]
    found = answer("How long is the Yangtze?", retriever, None)
    assert found.found and "6,300 km" in found.text


def test_the_models_fixed_decline_is_recognised(retriever):
    final = answer("What is the capital of Australia?", retriever, FakeLLM([DECLINE["en"]]))
    assert final.mode == "llm" and not final.found and not any(c.cited for c in final.citations)
    zh = answer("澳大利亚的首都是哪里？", retriever, FakeLLM(["文档中没有找到这个问题的答案。"]))
    assert not zh.found
    assert "文档中没有找到这个问题的答案" in zh_prompt(retriever)
    assert answer("星河科技是哪一年成立的？", retriever, FakeLLM(["成立于2012年[1]。"])).found


def zh_prompt(retriever: Retriever) -> str:
    llm = FakeLLM(["[1]"])
    answer("星河科技是哪一年成立的？", retriever, llm)
    return llm.sent[0][0]["content"]


def test_a_question_that_stands_alone_is_not_combined_with_the_last_one(retriever):
    history = [
        {"role": "user", "content": "星河科技是做什么的？"},
        {"role": "assistant", "content": "生产数据存储设备[1]。"},
    ]
    final = answer("How long is the Yangtze river in km?", retriever, None, history=history)
    assert final.query == "How long is the Yangtze river in km?"
    elliptical = answer(
        "那总部呢？", retriever, FakeLLM(["星河科技的总部在哪里？", "杭州[1]。"]), history=history
    )
    assert elliptical.query == "星河科技的总部在哪里？"
