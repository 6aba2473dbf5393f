"""The app's web server as deployed (`streamlit run ui/server.py` from the repository root),
on a free port of 127.0.0.1, stopped when the block ends."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.cli import ROOT, env

CHROMIUM = "/usr/bin/chromium"  # Debian's: `playwright install` cannot download one here
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(data_dir: Path, log: Path, address: str = "127.0.0.1", **extra: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "ui/server.py", "--server.port", str(port),
               "--server.address", address]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env(data_dir, RAG_LLM_BASE_URL="", **extra), stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            raise RuntimeError(f"the server did not start:\n{log.read_text()}")
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, closed on the way out."""
    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: run `sh tools/system-deps.sh`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
