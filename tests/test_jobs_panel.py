"""The Library tab's job list asks the browser to redraw it every 2 s only while a job of the
person's collections is queued or running, every 20 s otherwise; it shows the open and failed
jobs and the newest finished ones, from cheap queries."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from ingest.job import CANCELLED, DONE, FAILED, OPEN
from ingest.job_end import end_job
from ingest.jobs import Jobs
from ui.jobs_view import BUSY_S, IDLE_S, SHOWN_FINISHED


def panel(data_dir: str) -> None:
    from pathlib import Path

    from ingest.jobs import Jobs
    from ui.i18n import STRINGS
    from ui.jobs_view import jobs_panel

    jobs_panel(STRINGS["en"], Jobs(Path(data_dir)), ["general"])


@pytest.fixture
def paces(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The redraw intervals the page sends the browser (Streamlit's auto_rerun messages)."""
    sent: list[float] = []
    real = LocalScriptRunner.forward_msgs

    def recorded(self: LocalScriptRunner) -> list:  # type: ignore[type-arg]
        msgs = real(self)
        sent.extend(m.auto_rerun.interval for m in msgs if m.HasField("auto_rerun"))
        return msgs

    monkeypatch.setattr(LocalScriptRunner, "forward_msgs", recorded)
    return sent


@pytest.mark.integration  # Streamlit's AppTest
def test_the_job_list_is_redrawn_fast_only_while_a_visible_job_is_open(data_dir: Path, paces: list[float]):
    jobs = Jobs(data_dir)
    app = AppTest.from_function(panel, args=(str(data_dir),), default_timeout=60)
    app.run()
    assert paces[-1] == IDLE_S and "No indexing jobs." in [c.value for c in app.caption]
    jobs.add("other.txt", b"another collection's", "hr")  # not this person's: still idle
    app.run()
    assert paces[-1] == IDLE_S
    job, _ = jobs.add("mine.txt", b"mine", "general")
    app.run()
    assert paces[-1] == BUSY_S and any("waiting to be indexed" in i.value for i in app.info)
    jobs.cancel(job.id)
    app.run()  # the job this session saw open ended: the page is redrawn, at the idle pace
    assert paces[-1] == IDLE_S and not app.exception
    assert BUSY_S < IDLE_S


def test_the_list_holds_open_and_failed_jobs_and_the_newest_finished_ones(data_dir: Path):
    jobs = Jobs(data_dir)
    ids = [jobs.add(f"f{i}.txt", f"file {i}".encode(), "general")[0].id for i in range(SHOWN_FINISHED + 5)]
    owner = "test:1:x"
    failed = ids[0]
    db = jobs._db  # the jobs' own connection: end jobs as a worker would
    db.execute("UPDATE jobs SET state = 'reading', owner = ? WHERE id != ?", (owner, ids[-1]))
    end_job(db, failed, owner, FAILED, {"code": "empty", "params": {}, "message": "the file is empty"})
    for job_id in ids[1:-1]:
        end_job(db, job_id, owner, DONE, None, f"doc{job_id}", {})
    jobs.cancel(ids[-2])  # already done: no change
    listed, hidden = jobs.latest(["general"], SHOWN_FINISHED)
    states = {job.id: job.state for job in listed}
    assert states[failed] == FAILED and states[ids[-1]] in OPEN  # always listed
    finished = sorted(job_id for job_id, state in states.items() if state in (DONE, CANCELLED))
    assert finished == ids[-1 - SHOWN_FINISHED : -1] and hidden == len(ids) - 2 - SHOWN_FINISHED
    assert jobs.pending(["general"]) == 1 and jobs.pending(["hr"]) == 0 and jobs.pending(None) == 1
    assert jobs.latest(["hr"], SHOWN_FINISHED) == ([], 0)
