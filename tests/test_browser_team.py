"""A team's day in a real browser (Chromium, Playwright) against the deployed server with
password sign-in: a conversation kept across a reload and private to its user, and an admin
who adds a user in the page, who can then sign in."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from team.users import Users
from tests.cli import run
from tests.pdfs import make_pdf
from tests.server import chromium, serving
from tests.test_browser import OUTPUT
from tests.test_server import post

pytestmark = pytest.mark.integration
QUESTION = "What was the revenue in 2025?"
PASSWORDS = {"root": "correct horse battery", "alice": "purple elephant dance", "bob": "blue whale singing"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def sign_in(browser: Browser, url: str, name: str, password: str) -> Page:
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1600})
    context.set_default_timeout(120_000)  # a loaded machine: the app's first draw can take a while
    page = context.new_page()
    page.goto(url)
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=180_000)
    return page


def test_conversations_and_the_admin_page(tmp_path: Path, browser: Browser):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    data_dir = tmp_path / "lib"
    pdf = make_pdf(tmp_path / "finance.pdf", ["Xinghe Technology's revenue in 2025 was 8.8 billion yuan."])
    assert run("ingest", "add", "--collection", "finance", str(pdf), data_dir=data_dir).returncode == 0
    users = Users(data_dir / "users.json")
    users.add("root", PASSWORDS["root"], ["*"], admin=True)
    users.add("alice", PASSWORDS["alice"], ["finance"])
    users.add("bob", PASSWORDS["bob"], ["finance"])
    with serving(data_dir, tmp_path / "log.txt", RAG_AUTH="password") as url:
        alice = sign_in(browser, url, "alice", PASSWORDS["alice"])
        box = alice.get_by_test_id("stChatInputTextArea")
        box.fill(QUESTION)
        box.press("Enter")
        messages = alice.get_by_test_id("stChatMessage")
        expect(messages).to_have_count(2, timeout=240_000)
        expect(messages.nth(1).get_by_text("[1] finance.pdf, p. 1").first).to_be_visible(timeout=60_000)
        sidebar = alice.get_by_test_id("stSidebar")
        expect(sidebar.get_by_role("button", name=QUESTION)).to_be_visible(timeout=60_000)

        alice.reload()  # the address names the conversation: it is reopened as it was
        expect(alice.get_by_test_id("stChatMessage")).to_have_count(2, timeout=120_000)
        alice.goto(url)  # a fresh page: the conversation is listed, and opens from the list
        expect(alice.get_by_text("Signed in as alice")).to_be_visible(timeout=120_000)
        expect(alice.get_by_test_id("stChatMessage")).to_have_count(0)
        alice.get_by_test_id("stSidebar").get_by_role("button", name=QUESTION).click()
        reopened = alice.get_by_test_id("stChatMessage")
        expect(reopened).to_have_count(2, timeout=60_000)
        expect(reopened.nth(1).get_by_text("[1] finance.pdf, p. 1").first).to_be_visible(timeout=60_000)
        expect(reopened.nth(1).get_by_text("8.8 billion").first).to_be_visible()
        alice.screenshot(path=str(OUTPUT / "conversation-reopened.png"), full_page=True)

        bob = sign_in(browser, url, "bob", PASSWORDS["bob"])  # the same collection, not her conversation
        expect(bob.get_by_text("No saved conversations yet.")).to_be_visible(timeout=60_000)
        assert bob.get_by_role("button", name=QUESTION).count() == 0

        root = sign_in(browser, url, "root", PASSWORDS["root"])
        form = root.get_by_test_id("stForm").filter(has_text="Add a user")
        for _ in range(6):  # a click while the page is still being drawn can be lost: click again
            root.get_by_role("tab", name="Admin").click()
            try:
                expect(form.get_by_label("User name")).to_be_visible(timeout=20_000)
                break
            except AssertionError:
                root.screenshot(path=str(OUTPUT / "admin-tab-not-shown.png"), full_page=True)
        form.get_by_label("User name").fill("carol")
        form.get_by_label("Password", exact=True).fill("orange submarine music")
        form.get_by_label("Collections (* for all, comma-separated)").fill("finance")
        form.get_by_role("button", name="Add a user").click()
        expect(root.get_by_text("Done: add user carol")).to_be_visible(timeout=60_000)
        root.screenshot(path=str(OUTPUT / "admin-page.png"), full_page=True)

        assert Users(data_dir / "users.json").verify("carol", "orange submarine music") is not None
        status, body, cookie = post(url, "carol", "orange submarine music")  # the sign-in page's answer
        assert status == 303 and "docqa_session=" in cookie, (status, body)
        carol = sign_in(browser, url, "carol", "orange submarine music")
        carol.screenshot(path=str(OUTPUT / "added-user-signed-in.png"))
