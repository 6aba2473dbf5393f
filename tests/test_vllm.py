"""The app's client against a real vLLM server (CPU build) serving a tiny random Qwen2 model.

Needs a Python with vLLM: RAG_TEST_VLLM_PYTHON (`make vllm-env` makes .venv-vllm; CI runs it).
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.answer import Answer, answer, ask
from rag.llm import LLM
from rag.prompts import SYSTEM, answer_messages
from rag.retrieve import Retriever
from tests.cli import run, run_json
from tests.fakes import FakeEmbedder
from tests.recording_proxy import RecordingProxy
from tests.tiny_qwen import build_tiny_qwen
from tests.vllm_server import VLLM_PYTHON, vllm_server

pytestmark = [
    pytest.mark.integration,
    pytest.mark.vllm,
    pytest.mark.skipif(not VLLM_PYTHON, reason="RAG_TEST_VLLM_PYTHON is not set (make vllm-env)"),
]
MODEL = "tiny-qwen"


@pytest.fixture(scope="module")
def vllm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen, int]]:
    model = build_tiny_qwen(tmp_path_factory.mktemp("tiny-qwen"))
    log = tmp_path_factory.mktemp("vllm-log") / "vllm.log"
    options = ("--served-model-name", MODEL, "--max-model-len", "2048", "--dtype", "bfloat16")
    with vllm_server(model, log, *options) as server:
        yield server


@pytest.fixture
def retriever(tmp_path: Path) -> Retriever:
    embedder = FakeEmbedder()
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)
    text = "星河科技有限公司成立于2012年，总部位于杭州，主要生产数据存储设备。"
    store.add([prepare("doc", "公司简介.pdf", 10, [Page(1, text, "text")], embedder, 60, 0)])
    return Retriever(store, embedder)


def test_streamed_answer_through_vllm_then_fallback_when_it_stops(vllm, retriever, tmp_path):
    process, port = vllm
    proxy = RecordingProxy(port)
    try:
        llm = LLM(f"http://127.0.0.1:{proxy.port}/v1", MODEL, max_tokens=24, temperature=0.8)
        question = "星河科技是哪一年成立的？"
        events = list(ask(question, retriever, llm, k=3))
        pieces, final = events[:-1], events[-1]
        assert isinstance(final, Answer) and final.mode == "llm" and final.note == ""
        assert len(pieces) >= 2 and all(isinstance(p, str) for p in pieces)  # streamed
        request = proxy.requests[-1]
        assert request["path"] == "/v1/chat/completions" and request["stream"] is True
        assert request["model"] == MODEL and request["max_tokens"] == 24
        hits = retriever.search(question, k=3)
        assert request["messages"] == answer_messages(question, hits, "zh", [])
        assert request["messages"][0] == {"role": "system", "content": SYSTEM["zh"]}
        assert "[1] 公司简介.pdf, 第 1 页" in request["messages"][-1]["content"]
    finally:
        proxy.close()

    data_dir = tmp_path / "cli-lib"
    doc = tmp_path / "notes.txt"
    doc.write_text("The library opens at nine o'clock every morning.", encoding="utf-8")
    env = {"RAG_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "RAG_LLM_MODEL": MODEL}
    assert run("ingest", "add", str(doc), data_dir=data_dir).returncode == 0
    out = run_json("rag", "ask", "When does the library open?", data_dir=data_dir, **env)
    assert out["mode"] == "llm" and out["language"] == "en" and out["citations"][0]["doc"] == "notes.txt"

    process.terminate()
    process.wait(timeout=60)
    stopped = answer("星河科技是哪一年成立的？", retriever, LLM(f"http://127.0.0.1:{port}/v1", MODEL))
    assert stopped.mode == "extractive"
    assert "大模型服务无法使用（APIConnectionError" in stopped.note
    assert "2012" in stopped.text and stopped.citations[0].cited
