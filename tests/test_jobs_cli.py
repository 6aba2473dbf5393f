"""python -m ingest add --no-wait | worker | jobs, as an operator runs them."""

import signal
import subprocess
import sys
import time

import pytest

from tests.cli import ROOT, env, run, run_json

pytestmark = pytest.mark.integration
KEYS = {"id", "file", "collection", "state", "done", "total", "error", "created", "finished"}


def test_queue_a_folder_then_a_worker_indexes_it(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "a.txt").write_text("长江是中国最长的河流。", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("# Tea\n\nOolong tea comes from Fujian.", encoding="utf-8")
    (folder / "sub" / "deeper" / "c.pdf").write_bytes(b"not a pdf at all")
    (folder / "sub" / "ignored.bin").write_bytes(b"\x00\x01")
    data_dir = tmp_path / "lib"
    queued = run("ingest", "add", str(folder), "--no-wait", data_dir=data_dir)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.count("queued ") == 3 and "ignored.bin" not in queued.stdout
    listed = run_json("ingest", "jobs", data_dir=data_dir)["jobs"]
    assert all(set(job) == KEYS for job in listed)
    assert [(j["file"], j["state"], j["error"], j["finished"]) for j in listed] == [
        ("a.txt", "queued", None, None), ("b.md", "queued", None, None), ("c.pdf", "queued", None, None),
    ]  # fmt: skip
    ids = {j["file"]: j["id"] for j in listed}
    assert run("ingest", "jobs", "cancel", str(ids["a.txt"]), data_dir=data_dir).returncode == 0
    again = run("ingest", "jobs", "cancel", str(ids["a.txt"]), data_dir=data_dir)
    assert again.returncode == 1 and "it is cancelled" in again.stderr

    worker = subprocess.Popen(
        [sys.executable, "-m", "ingest", "worker"], env=env(data_dir), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            states = {j["file"]: j for j in run_json("ingest", "jobs", data_dir=data_dir)["jobs"]}
            if all(j["state"] in ("done", "failed", "cancelled") for j in states.values()):
                break
            time.sleep(1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert states["b.md"]["state"] == "done" and states["b.md"]["finished"]
    assert states["b.md"]["done"] == states["b.md"]["total"] > 0
    assert states["c.pdf"]["state"] == "failed" and "not a PDF" in states["c.pdf"]["error"]
    assert states["a.txt"]["state"] == "cancelled"
    names = [d["name"] for d in run_json("ingest", "list", data_dir=data_dir)["documents"]]
    assert names == ["b.md"]

    bad = str(ids["c.pdf"])
    assert run("ingest", "jobs", "retry", bad, data_dir=data_dir).returncode == 0
    assert run("ingest", "jobs", "remove", bad, data_dir=data_dir).returncode == 1  # queued: stays
    assert run("ingest", "jobs", "cancel", bad, data_dir=data_dir).returncode == 0
    assert run("ingest", "jobs", "remove", bad, data_dir=data_dir).returncode == 0
    left = [j["file"] for j in run_json("ingest", "jobs", data_dir=data_dir)["jobs"]]
    assert left == ["a.txt", "b.md"]
    assert not list((data_dir / "uploads").iterdir())  # no job needs a file any more
