"""A tiny hand-made dataset and a scripted ``ask`` whose every score can be worked out on paper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.types import Answer, Citation
from evals.dataset import Dataset, Item
from knowledge.errors import NotFoundError, QuestionError
from knowledge.types import Document, Passage

TEXT = (
    "Bamako – The minister chaired the launch on Thursday 19 October 2023.\n"
    "The plan takes account of four priority areas: prevention, protection, prosecution and partnerships.\n"
    "It was drafted by a sub-committee set up by the Malian authorities.\n"
    "Contact: press@example.org <for journalists>.\n"
)
SOURCE = "release"


def span(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def passage(fragment: str, rank: int) -> Passage:
    start, end = span(fragment)
    return Passage(f"p{rank}", SOURCE, "Release", fragment, start, end, 1.0 / rank)


def cite(fragment: str, marker: int = 1, quote: str | None = None) -> Citation:
    start, end = span(fragment)
    return Citation(marker, SOURCE, "Release", fragment if quote is None else quote, start, end)


LAUNCH = "Bamako – The minister chaired the launch on Thursday 19 October 2023."
AREAS = "The plan takes account of four priority areas: prevention, protection, prosecution and partnerships."
DRAFTED = "It was drafted by a sub-committee set up by the Malian authorities."
CONTACT = "Contact: press@example.org <for journalists>."
ABSTAIN = "The sources do not say."


def item(number: int, question: str, answers: tuple[str, ...] = (), support: tuple[str, ...] = ()) -> Item:
    answerable = bool(answers)
    return Item(
        id=f"t-{number:03d}",
        question=question,
        answers=answers,
        support=support,
        source=SOURCE if answerable else "",
        answerable=answerable,
        kind="what" if answerable else "unanswerable",
        line=number,
    )


ITEMS = (
    # right answer, supporting citation, support retrieved at rank 1
    item(1, "When was the plan launched?", ("October 19, 2023",), ("Thursday 19 October 2023",)),
    # wrong sentence picked: support retrieved at rank 2, the cited sentence does not hold it
    item(
        2,
        "What are the <four> priority areas?",
        ("prevention, protection, prosecution, and partnerships",),
        ("four priority areas",),
    ),
    # false abstention, support not retrieved
    item(3, "Who drafted the plan?", ("sub-committee",), ("drafted by a sub-committee",)),
    # rightly abstained
    item(4, "What was the budget?"),
    # false answer, with a quote that is not the stored text
    item(5, "Who is the President?"),
    # ask raises
    item(6, "?", ("Bamako",), ("Bamako",)),
)

ANSWERS = {
    ITEMS[0].question: Answer(
        ITEMS[0].question, f"{LAUNCH} [1]", (cite(LAUNCH),), (passage(LAUNCH, 1), passage(AREAS, 2))
    ),
    ITEMS[1].question: Answer(
        ITEMS[1].question,
        f"{DRAFTED} [1]",
        (cite(DRAFTED),),
        (passage(DRAFTED, 1), passage(AREAS, 2), passage(AREAS, 3)),
    ),
    ITEMS[2].question: Answer(
        ITEMS[2].question,
        ABSTAIN,
        (),
        (passage(CONTACT, 1),),
        abstained=True,
        notes=("best sentence scored 0.30 < 0.42",),
    ),
    ITEMS[3].question: Answer(ITEMS[3].question, ABSTAIN, (), (passage(AREAS, 1),), abstained=True),
    ITEMS[4].question: Answer(
        ITEMS[4].question, f"{CONTACT} [1]", (cite(CONTACT, quote="<b>tampered</b>"),), (passage(CONTACT, 1),)
    ),
}


class ScriptedAsk:
    """Answers from ``ANSWERS``; records every call; the question "?" raises a ``QuestionError``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(
        self, question: str, history: object = None, k: int = 5, answerer: str = "extractive", index: object = None
    ) -> Answer:
        self.calls.append((question, k))
        if question == "?":
            raise QuestionError("The question is too short: ask a whole question.")
        return ANSWERS[question]


def documents(source: str) -> Document:
    if source != SOURCE:
        raise NotFoundError(f"No document {source!r} is indexed.")
    return Document(SOURCE, "Release", TEXT, "release.txt")


@pytest.fixture
def mini_dataset() -> Dataset:
    return Dataset("mini", Path("mini.jsonl"), ITEMS)


@pytest.fixture
def scripted_ask() -> ScriptedAsk:
    return ScriptedAsk()


@pytest.fixture
def lookup() -> Callable[[str], Document]:
    return documents
