"""The terminal table, ``report.md`` and the self-contained, escaped ``report.html``."""

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from evals import Report, run
from evals.dataset import Dataset
from evals.html_report import html_page
from evals.suite import run_folder, write_reports
from evals.text_report import escape, markdown, terminal_table
from knowledge.types import Document
from tests.evals.conftest import ScriptedAsk


@pytest.fixture
def reports(mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]) -> list[Report]:
    pressroom = run(mini_dataset, ask=scripted_ask, k=3, documents=lookup)
    return [pressroom, replace(pressroom, system="baseline")]


def test_the_terminal_table_puts_systems_side_by_side(reports: list[Report]) -> None:
    table = terminal_table(reports)
    lines = table.splitlines()
    assert lines[0] == "mini: 6 questions (4 answerable, 2 not), k=3"
    assert re.match(r"metric\s+pressroom\s+baseline$", lines[1])
    assert re.search(r"^hit@3\s+0\.500\s+0\.500$", table, re.MULTILINE)
    assert re.search(r"^abstention precision\s+0\.500\s+0\.500$", table, re.MULTILINE)
    assert re.search(r"^false abstentions\s+1\s+1$", table, re.MULTILINE)


def test_a_system_that_retrieves_fewer_than_k_passages_is_noted(reports: list[Report]) -> None:
    deeper = replace(reports[0], k=5)
    assert "pressroom retrieves at most 3 passages, so its @5 scores count 3." in terminal_table([deeper])
    assert "retrieves at most" not in terminal_table(reports)


def test_markdown_lists_every_failure_with_its_evidence(reports: list[Report]) -> None:
    text = markdown(reports)
    assert text.count("## Failed questions: pressroom (4 of 6)") == 1
    assert "### t-002: What are the \\<four\\> priority areas?" in text
    assert "- answer given: It was drafted by a sub-committee" in text
    assert "- expected: prevention, protection, prosecution, and partnerships" in text
    assert "**holds support**" in text
    assert "- notes of the system: best sentence scored 0.30 \\< 0.42" in text, "why it abstained"
    assert "### t-001" not in text, "questions without problems are not listed"
    assert "| wrong sentence picked | 1 | t-002 |" in text and "| retrieval miss | 1 | t-003 |" in text


def test_outcomes_are_counted_per_kind_of_question(reports: list[Report]) -> None:
    text = markdown(reports)
    assert "| what | 1/4 | 1/4 |" in text, "of the four answerable questions only t-001 is right"
    assert "| unanswerable | 1/2 | 1/2 |" in text
    assert "<td>unanswerable</td><td>1/2</td><td>1/2</td>" in html_page(reports)


def test_markdown_escape_keeps_text_on_one_line() -> None:
    assert escape("a|b\n*c* [1] <x> & `y`") == "a\\|b \\*c\\* \\[1\\] \\<x\\> \\& \\`y\\`"


def test_the_html_page_is_self_contained_and_escaped(reports: list[Report]) -> None:
    page = html_page(reports)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "nothing is loaded from the network"
    assert "<b>tampered</b>" not in page and "&lt;b&gt;tampered&lt;/b&gt;" in page
    assert "&lt;four&gt;" in page and "<four>" not in page
    assert "&lt;for journalists&gt;" in page
    assert "best sentence scored 0.30 &lt; 0.42" in page


def test_the_html_chart_links_each_failed_question_to_its_details(reports: list[Report]) -> None:
    page = html_page(reports)
    assert page.count("<svg") == 3, "a bar chart and one strip chart per system"
    for system in ("pressroom", "baseline"):
        for failed in ("t-002", "t-003", "t-005", "t-006"):
            assert f'href="#{system}-{failed}"' in page and f'id="{system}-{failed}"' in page
        assert f'href="#{system}-t-001"' not in page


def test_write_reports_puts_three_files_in_a_new_run_folder(
    tmp_path: Path, reports: list[Report], mini_dataset: Dataset
) -> None:
    folder = run_folder("mini set", home=tmp_path)
    assert folder.parent == tmp_path / "evals" and folder.name.endswith("-mini-set")
    assert run_folder("mini set", home=tmp_path) != folder, "a second run in the same second gets its own folder"
    write_reports(folder, mini_dataset, reports)
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert [system["system"] for system in data["systems"]] == ["pressroom", "baseline"]
    assert len(data["systems"][0]["results"]) == 6
    assert (folder / "report.md").read_text(encoding="utf-8").startswith("# Evaluation: mini")
    assert "<svg" in (folder / "report.html").read_text(encoding="utf-8")
