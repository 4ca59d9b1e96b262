"""The chat in a real browser: headless Debian Chromium, driven by Selenium, fully offline.

Chromium and chromedriver come from `make browser` (Debian packages). Selenium is told where
the driver is, so Selenium Manager never tries to download one. Screenshots go to
tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.ui.conftest import GRADIO_NOISE, HOSTILE_MEMO, HOSTILE_QUESTION, Served

pytestmark = [pytest.mark.integration, pytest.mark.slow, GRADIO_NOISE]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WAIT = 60  # seconds; the first answer also loads the model on 2 CI cores


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium and chromium-driver).")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not look for drivers online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="pressroom-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1400,900", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any, release_app: Served) -> Any:
    """The chat, freshly loaded (a new session: empty conversation)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(release_app.url)
    WebDriverWait(browser, WAIT).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
    return browser


def ask(page: Any, question: str, answers_so_far: int = 0) -> Any:
    """Type ``question``, press Enter and wait for the finished reply; returns the last bot message."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    box = page.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait = WebDriverWait(page, WAIT)
    wait.until(lambda d: question in d.find_element(By.ID, "sources").text)  # sources come with the last step
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#chat [data-testid="bot"]')) > answers_so_far)
    return page.find_elements(By.CSS_SELECTOR, '#chat [data-testid="bot"]')[-1]


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.save_screenshot(str(path))
    return path


def test_question_answer_source_card_and_document(page: Any, release_app: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    examples = [e.text for e in page.find_elements(By.CSS_SELECTOR, "#chat button.example")]
    assert "When was the plan launched?" in examples  # the empty screen offers questions
    assert "1 document" in page.find_element(By.ID, "index-status").text

    reply = ask(page, "Who chaired the launch ceremony?")

    assert "KASSOGUE" in reply.text
    assert reply.find_elements(By.CSS_SELECTOR, "sup.cite-marker")  # the [1] marker, as a badge
    card = page.find_element(By.CSS_SELECTOR, "#sources .src-card")
    quote = card.find_element(By.CSS_SELECTOR, "mark.src-quote")
    assert "chaired the official launch ceremony" in quote.text
    assert "Mali Launches a National Action Plan" in card.find_element(By.CSS_SELECTOR, ".src-title").text
    quoted = quote.text
    assert len(card.find_element(By.CSS_SELECTOR, ".src-passage").text) > len(quoted)  # quote in context
    screenshot(page, "chat-answer.png")

    card.find_element(By.CSS_SELECTOR, "button.src-open").click()
    focus = WebDriverWait(page, WAIT).until(
        lambda d: next((m for m in d.find_elements(By.CSS_SELECTOR, "#viewer mark.focus") if m.is_displayed()), None)
    )
    assert focus.text == quoted
    WebDriverWait(page, 10).until(lambda d: _inside_scroll_box(d, focus))  # scrolled into view
    screenshot(page, "chat-document.png")

    like = reply.find_element(
        By.XPATH,
        "./ancestor::div[contains(@class,'message-row')]/following-sibling::div[1]//button[@aria-label='Like']",
    )
    like.click()
    votes = release_app.home / "feedback.jsonl"
    WebDriverWait(page, 20).until(lambda _: votes.exists() and votes.read_text().strip())
    vote = json.loads(votes.read_text().splitlines()[-1])
    assert vote["vote"] == "up" and vote["question"] == "Who chaired the launch ceremony?"
    assert vote["citations"][0]["quote"] == quoted

    offsite = [url for url in page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
               if urlparse(url).hostname not in ("127.0.0.1", None)]  # fmt: skip
    assert offsite == [], "the page fetched something from outside this machine"


def test_hostile_document_renders_as_text(page: Any, release_app: Served, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    memo = tmp_path / "hostile-memo.txt"
    memo.write_text(HOSTILE_MEMO, encoding="utf-8")
    release_app.index.ingest([memo])

    reply = ask(page, HOSTILE_QUESTION)
    card = page.find_element(By.CSS_SELECTOR, "#sources .src-card")
    card_text = card.text  # read while the Sources tab is showing
    card.find_element(By.CSS_SELECTOR, "button.src-open").click()
    viewer = WebDriverWait(page, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, "#viewer .doc-body"))
    WebDriverWait(page, WAIT).until(lambda _: viewer.is_displayed())
    time.sleep(0.5)  # time for anything injected to run, if it could
    screenshot(page, "chat-hostile.png")

    assert page.execute_script("return window.__pwned === undefined"), "document text ran as code"
    assert '<script>window.__pwned = "script"</script>' in reply.text
    assert "<img src=x onerror=" in card_text and "[final report](javascript:" in card_text
    assert "![a pixel](http://203.0.113.9/pixel.png)" in viewer.text and "$$x^2$$" in viewer.text
    for area in ("#chat", "#sources", "#viewer"):
        assert not page.find_elements(By.CSS_SELECTOR, f"{area} script, {area} img, {area} a[href^='javascript']")


def _inside_scroll_box(driver: Any, element: Any) -> bool:
    return bool(
        driver.execute_script(
            "const m = arguments[0], box = m.closest('.doc-body');"
            "const a = m.getBoundingClientRect(), b = box.getBoundingClientRect();"
            "return a.top >= b.top && a.top < b.bottom;",
            element,
        )
    )
