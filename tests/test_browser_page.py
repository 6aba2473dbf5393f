"""The page in a real browser (Chromium, Playwright): Streamlit's own uploader texts in the
interface language (also while a file is dragged over the uploader), the chat box pinned to the
bottom of the window on the Chat tab only, and the page scrolled to each new answer."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.pdfs import make_pdf
from tests.server import serving
from ui.widget_texts import DRAGGING, DROPZONE

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = [
    "第一章 公司简介\n星河科技有限公司成立于二〇一二年，总部位于杭州，主要从事数据存储设备的研发和销售。",
    "第二章 地理知识\n长江是中国最长的河流，全长约6300公里，"
    "流经青海、西藏、四川、重庆、湖北等省市，最后注入东海。",
]
HEIGHT = 700  # a laptop's window: a few answers fill it


def after_text(page: Page, selector: str) -> str:
    """What CSS draws after the element (the translated text), without its quotes; the style
    may arrive a moment after the element."""
    found = ""
    for _ in range(60):
        found = str(page.locator(selector).first.evaluate("e => getComputedStyle(e, '::after').content"))
        if found not in ("none", "normal", ""):
            break
        page.wait_for_timeout(500)
    return found.strip('"')


def pinned(page: Page) -> bool:
    box = page.get_by_test_id("stChatInput").bounding_box()
    return box is not None and HEIGHT - 120 < box["y"] + box["height"] <= HEIGHT


def test_uploader_texts_in_chinese_and_a_pinned_chat_box_that_follows_answers(tmp_path: Path):
    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: run `sh tools/system-deps.sh`"
    with serving(tmp_path / "lib", tmp_path / "log.txt", RAG_AUTH="off") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": HEIGHT})
        page.goto(url)
        page.get_by_role("tab", name="文档库").click(timeout=300_000)
        button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
        expect(page.locator(button)).to_have_count(1, timeout=120_000)
        assert after_text(page, button) == "上传"
        assert (
            after_text(page, '[data-testid="stFileUploaderDropzoneInstructions"] span')
            == "每个文件不超过 50 MB"
        )
        dragged = page.evaluate_handle(
            "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.pdf')); return d; }"
        )
        page.locator(DROPZONE).dispatch_event("dragenter", {"dataTransfer": dragged})
        overlay = page.locator(DRAGGING)  # Streamlit's "Drag and drop files here" while a file is dragged
        expect(overlay).to_have_count(1, timeout=30_000)
        assert overlay.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # the English is not drawn
        assert after_text(page, DRAGGING) == "将文件拖放到这里"
        page.locator(DROPZONE).dispatch_event("dragleave", {"dataTransfer": dragged})
        expect(overlay).to_have_count(0, timeout=30_000)
        expect(page.get_by_test_id("stChatInput")).to_have_count(0)  # the Library tab has no chat box
        page.locator("input[type=file]").set_input_files(str(make_pdf(tmp_path / "星河.pdf", PAGES)))
        expect(page.get_by_text("星河.pdf：2 页")).to_be_visible(timeout=300_000)

        page.get_by_role("tab", name="问答").click()
        expect(page.get_by_test_id("stChatInput")).to_be_visible(timeout=60_000)
        assert pinned(page)  # at the bottom before the first answer, not above it
        for i, question in enumerate(["长江有多长？", "星河科技总部在哪里？"]):
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(question)
            box.press("Enter")
            messages = page.get_by_test_id("stChatMessage")
            expect(messages).to_have_count(2 * i + 2, timeout=300_000)
            expect(messages.last).to_be_in_viewport(timeout=30_000)  # scrolled to the new answer
            expect(messages.last.get_by_test_id("stExpander").first).to_be_visible(timeout=120_000)  # sources
            assert pinned(page)
        page.screenshot(path=str(tmp_path / "chat.png"))
        browser.close()
