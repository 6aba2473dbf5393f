"""Through the deployed server and a real browser: a file named with 3,000 Chinese characters
is added under a bounded name; the page shows no bare "AxiosError ... 400"."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.server import serving

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_a_3000_character_name_uploads(tmp_path: Path):
    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: run `sh tools/system-deps.sh`"
    name = "很长的文件名" * 500 + ".txt"
    with serving(tmp_path / "lib", tmp_path / "log.txt") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(locale="en-US").new_page()
        page.goto(url)
        page.get_by_role("tab", name="Library").click()
        page.locator('input[type="file"]').set_input_files(
            {"name": name, "mimeType": "text/plain", "buffer": "长江是中国最长的河流。".encode()}
        )
        expect(page.get_by_text("很长的文件名很长的文件名").first).to_be_visible(timeout=120_000)
        shown = page.inner_text("body")
        browser.close()
    assert "AxiosError" not in shown and "400" not in shown
    assert name not in shown  # the whole name is never shown: it was bounded
