"""Datasets whose items name a language pair ("fr→en") get scores per pair in every report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from evals import Report, run
from evals.dataset import Dataset, DatasetError, load_dataset
from evals.html_report import html_page
from evals.text_report import markdown, pair_rows, terminal_table
from knowledge.types import Document
from tests.evals.conftest import ITEMS, ScriptedAsk

PAIRS = ("en→en", "en→en", "fr→en", "fr→en", "en→en", "fr→en")


@pytest.fixture
def paired_reports(scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]) -> list[Report]:
    items = tuple(replace(item, pair=pair) for item, pair in zip(ITEMS, PAIRS))
    report = run(Dataset("paired", Path("paired.jsonl"), items), ask=scripted_ask, k=3, documents=lookup)
    return [report, replace(report, system="baseline")]


def test_scores_are_computed_per_pair(paired_reports: list[Report]) -> None:
    by_pair = paired_reports[0].pair_scores()
    assert list(by_pair) == ["en→en", "fr→en"]
    assert (by_pair["en→en"].questions, by_pair["en→en"].answerable) == (3, 2)
    assert by_pair["en→en"].accuracy == 0.5  # item 1 right, item 2 wrong
    assert by_pair["fr→en"].accuracy == 0.0  # item 3 abstained, item 6 raised
    assert by_pair["fr→en"].abstention_recall == 1.0  # item 4 rightly abstained
    assert [result.pair for result in paired_reports[0].results] == list(PAIRS)


def test_every_report_shows_the_pairs(paired_reports: list[Report]) -> None:
    rows = pair_rows(paired_reports)
    assert rows[0][:3] == ["pair", "questions", "hit@1 (pressroom)"]
    assert [row[0] for row in rows[1:]] == ["en→en", "fr→en"]
    table = terminal_table(paired_reports)
    assert "by language pair (question→source):" in table
    assert re.search(r"^fr→en\s+3\s", table, re.MULTILINE)
    assert "Scores by language pair" in markdown(paired_reports)
    assert "Scores by language pair" in html_page(paired_reports)
    data = paired_reports[0].as_dict()
    assert set(data["pairs"]) == {"en→en", "fr→en"}  # type: ignore[arg-type]
    assert json.dumps(data, ensure_ascii=False).count('"pair": "fr→en"') == 3


def test_a_dataset_without_pairs_shows_no_pair_table(
    mini_dataset: Dataset, scripted_ask: ScriptedAsk, lookup: Callable[[str], Document]
) -> None:
    report = run(mini_dataset, ask=scripted_ask, k=3, documents=lookup)
    assert report.pair_scores() == {} and pair_rows([report]) == []
    assert "language pair" not in terminal_table([report]) + markdown([report])


def test_the_bilingual_dataset_asks_the_same_facts_in_all_four_pairs() -> None:
    dataset = load_dataset("bilingual")
    pairs = [item.pair for item in dataset.items]
    assert {pair: pairs.count(pair) for pair in set(pairs)} == {"en→en": 18, "fr→en": 18, "en→fr": 18, "fr→fr": 18}
    assert {path.name for path in dataset.documents} == {"iom-mali-trafficking-2023.txt", "bref-historique-debian.txt"}
    from knowledge.language import detect_language

    for item in dataset.items:
        assert detect_language(item.question) == item.pair[:2], item.id


@pytest.mark.parametrize(
    ("pair", "message"), [("fr-en", "must look like"), ("french→english", "must look like"), (3, "must look like")]
)
def test_a_bad_pair_is_explained(tmp_path: Path, pair: object, message: str) -> None:
    line = {
        "id": "x-1",
        "question": "Q?",
        "answers": [],
        "support": [],
        "source": "",
        "answerable": False,
        "kind": "unanswerable",
        "pair": pair,
    }
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)
