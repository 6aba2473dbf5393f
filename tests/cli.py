"""Run the command-line interfaces as a user would: in a subprocess, on a data directory."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def env(data_dir: Path, **extra: str) -> dict[str, str]:
    variables = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    variables.update(RAG_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    variables.update(extra)
    return variables


def run(
    module: str, *args: str, data_dir: Path, input_text: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=input_text,
        env=env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )


def run_json(module: str, *args: str, data_dir: Path, **extra: str) -> Any:
    done = run(module, *args, "--json", data_dir=data_dir, **extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
