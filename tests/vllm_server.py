"""Start a real vLLM server (the CPU build at RAG_TEST_VLLM_PYTHON) for integration tests."""

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VLLM_PYTHON = os.environ.get("RAG_TEST_VLLM_PYTHON", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 600
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"vLLM exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(2)
    raise RuntimeError(f"vLLM did not come up in 10 minutes:\n{log.read_text()[-3000:]}")


@contextmanager
def vllm_server(model: Path, log: Path, *options: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """A server for `model` on a free loopback port, stopped on exit; its output goes to `log`."""
    port = free_port()
    command = [
        VLLM_PYTHON, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), *options,
    ]  # fmt: skip
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        wait_until_up(port, process, log)
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=60)
