"""The kill tests of the local index (tests/test_crash.py) on a library whose passages live in
the embedded Milvus: killed at each step of a commit, including after its passages reached
Milvus and before the rows committed, the library stays whole (`ingest check` finds the rows,
Milvus and the search sums in agreement) and the next add completes it.

milvus-lite keeps its file for one process (a lock on it; its server stops when the lock goes),
so these run one process at a time, as a killed server and its restart do. What needs two
processes on one library at once (tests/test_concurrency.py: the CLI and the app adding
together) cannot run on the embedded engine, only against a Milvus server; the in-process
writers and askers are in tests/test_milvus_store.py and tests/test_concurrency.py."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT, env, run, run_json
from tests.test_crash import KILLER, write_docs

pytestmark = pytest.mark.integration
pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")

# one more point: the passages are in Milvus (at the next generation), the rows not committed
MILVUS_KILLER = KILLER.replace(
    "from ingest.__main__ import main",
    """if point == "after-milvus-insert":
    import ingest.milvus as milvus
    real_insert = milvus.Passages.insert
    def insert_then_die(*args, **kwargs):
        real_insert(*args, **kwargs)
        die()
    milvus.Passages.insert = insert_then_die
from ingest.__main__ import main""",
)


def milvus(tmp_path: Path) -> dict[str, str]:
    return {"RAG_INDEX": "milvus", "RAG_MILVUS_URI": str(tmp_path / "milvus" / "milvus.db")}


def assert_whole(data_dir: Path, settings: dict[str, str]) -> list[str]:
    """`ingest check` finds rows, Milvus and sums in agreement, at most a kill's leftover files
    (in a process of its own: the embedded engine's server outlives a client closed in this
    one); the documents' names."""
    checked = run("ingest", "check", data_dir=data_dir, **settings)
    assert "mismatch" not in checked.stdout and "Traceback" not in checked.stderr, checked.stdout
    assert checked.returncode == 0 or "check --repair" in checked.stdout  # a kill's leftover files
    return [d["name"] for d in run_json("ingest", "list", data_dir=data_dir, **settings)["documents"]]


# the index-file steps of tests/test_crash.py write only empty files here: the two points that
# differ are after Milvus has the passages (not the rows) and after the rows committed
@pytest.mark.parametrize("point", ["after-milvus-insert", "after-commit"])
def test_killed_at_each_commit_step(tmp_path, point):
    first, second, third = write_docs(tmp_path / "docs", 3)
    data_dir, settings = tmp_path / "lib", milvus(tmp_path)
    added = run("ingest", "add", str(first), data_dir=data_dir, **settings)
    assert added.returncode == 0, added.stderr
    killed = subprocess.run(
        [sys.executable, "-c", MILVUS_KILLER, point, "add", str(second)],
        env=env(data_dir, **settings), capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    names = assert_whole(data_dir, settings)
    assert names == (["doc00.txt", "doc01.txt"] if point == "after-commit" else ["doc00.txt"])
    again = run("ingest", "add", str(first), str(second), str(third), data_dir=data_dir, **settings)
    assert again.returncode == 0, again.stderr
    names = assert_whole(data_dir, settings)
    assert names == ["doc00.txt", "doc01.txt", "doc02.txt"]
