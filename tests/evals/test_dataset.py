"""Dataset loading: the shipped files are sound, and every malformed line fails with one clear sentence."""

import json
from pathlib import Path

import pytest

from evals.dataset import NAMED, DatasetError, check_support, load_dataset
from evals.matching import answer_matches, support_spans
from knowledge import PressroomError
from knowledge.errors import NotFoundError
from knowledge.types import Document

GOOD = {
    "id": "t-001",
    "question": "When was the plan launched?",
    "answers": ["19 October 2023"],
    "support": ["on Thursday 19 October 2023"],
    "source": "release",
    "answerable": True,
    "kind": "when",
}
UNANSWERABLE = {
    **GOOD,
    "id": "t-002",
    "answers": [],
    "support": [],
    "source": "",
    "answerable": False,
    "kind": "unanswerable",
}


def write(tmp_path: Path, *records: object, name: str = "set.jsonl") -> Path:
    path = tmp_path / name
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_as_documents(dataset_name: str) -> dict[str, Document]:
    """The dataset's documents read straight from disk, keyed by document id, as the index would store them."""
    documents = {}
    for path in load_dataset(dataset_name).documents:
        source = path.stem.lower()
        documents[source] = Document(source, source, path.read_text(encoding="utf-8"), str(path))
    return documents


@pytest.mark.parametrize(
    ("name", "answerable", "unanswerable"),
    [
        ("release", 48, 13),
        ("release-dev", 25, 8),
        ("licenses", 69, 10),
        ("release-fresh", 32, 12),
        ("licenses-fresh", 30, 8),
        ("release-sealed", 30, 10),
        ("licenses-sealed", 26, 7),
        ("release-sealed2", 36, 12),
        ("licenses-sealed2", 32, 10),
        ("release-fresh2", 36, 14),
        ("licenses-fresh2", 33, 12),
    ],
)
def test_shipped_datasets_load_with_their_documents(name: str, answerable: int, unanswerable: int) -> None:
    dataset = load_dataset(name)
    assert (len(dataset.answerable), len(dataset.items) - len(dataset.answerable)) == (answerable, unanswerable)
    assert dataset.documents and all(path.is_file() for path in dataset.documents)
    documents = files_as_documents(name)
    check_support(dataset, documents.__getitem__)  # raises if any support string is not in its document
    assert {item.source for item in dataset.answerable} <= set(documents)


@pytest.mark.parametrize("name", list(NAMED))
def test_every_accepted_answer_can_be_matched_near_its_support(name: str) -> None:
    """An extractive answer quoting the supporting lines can be right: the matcher and the dataset agree.

    The window is 150 characters either side, as in evals/data/README.md, because some answers
    run onto the next line of a hard-wrapped licence.
    """
    documents = files_as_documents(name)
    unmatchable = []
    for item in load_dataset(name).answerable:
        text = documents[item.source].text
        windows = [text[max(0, start - 150) : end + 150] for s in item.support for start, end in support_spans(text, s)]
        if not any(answer_matches(window, item.answers) for window in windows):
            unmatchable.append(item.id)
    assert unmatchable == []


def test_ids_are_unique_across_the_shipped_datasets() -> None:
    ids = [item.id for name in NAMED for item in load_dataset(name).items]
    assert len(ids) == len(set(ids))


def test_a_path_dataset_has_no_documents_of_its_own(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, GOOD, "", UNANSWERABLE))
    assert dataset.name == "set" and dataset.documents == ()
    assert [item.line for item in dataset.items] == [1, 3], "blank lines are skipped but keep the numbering"
    assert dataset.items[0].answers == ("19 October 2023",)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], r"line 1: is not valid JSON \(.*\); fix the line or remove it\."),
        (["[1, 2]"], r"line 1: is not a JSON object"),
        ([{"id": "x"}], r"line 1: the item lacks question, answers, support, source, answerable and kind"),
        ([{**GOOD, "anwers": []}], r"unknown field 'anwers'"),
        ([{**GOOD, "question": 3}], r"'question' must be a string, got int\."),
        ([{**GOOD, "answers": "Bamako"}], r"'answers' must be a list of non-empty strings\."),
        ([{**GOOD, "support": [""]}], r"'support' must be a list of non-empty strings\."),
        ([{**GOOD, "answerable": "yes"}], r"'answerable' must be true or false, got 'yes'\."),
        ([{**GOOD, "kind": "how"}], r"unknown kind 'how'; use one of who, when,"),
        ([{**GOOD, "id": " "}], r"the id is empty"),
        ([{**GOOD, "question": ""}], r"the question is empty"),
        ([{**GOOD, "answers": []}], r"an answerable item needs answers, support and a source\."),
        ([{**GOOD, "source": ""}], r"an answerable item needs answers, support and a source\."),
        ([{**GOOD, "kind": "unanswerable"}], r"cannot have the kind 'unanswerable'"),
        ([{**GOOD, "answers": ["—"]}], r"the answer '—' has no letters or digits"),
        ([{**UNANSWERABLE, "answers": ["x"]}], r"an unanswerable item must have empty answers, support and source"),
        (
            [GOOD, {**GOOD, "question": "Again?"}],
            r"line 2: the id 't-001' is already used on line 1; ids must be unique\.",
        ),
        (["", "  "], r"holds no questions: add one JSON object per line\."),
    ],
)
def test_malformed_lines_fail_with_one_sentence(tmp_path: Path, lines: list[object], message: str) -> None:
    path = write(tmp_path, *lines)
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and text.endswith(".") and "\n" not in text
    assert isinstance(caught.value, PressroomError)


def test_unknown_names_and_missing_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(
        DatasetError, match=r"Unknown dataset 'relase': use release, release-dev, .*, bilingual or press, or the path"
    ):
        load_dataset("relase")
    with pytest.raises(DatasetError, match=r"No dataset file at .*missing\.jsonl: check the path\."):
        load_dataset(tmp_path / "missing.jsonl")
    with pytest.raises(DatasetError, match=r"is a folder: give the path of a \.jsonl dataset file\."):
        load_dataset(f"{tmp_path}/")
    (tmp_path / "latin.jsonl").write_bytes(b"\xe9\xe9\n")
    with pytest.raises(DatasetError, match=r"is not UTF-8 text"):
        load_dataset(tmp_path / "latin.jsonl")


def test_support_must_occur_in_an_indexed_source(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, GOOD))
    text = "Launched in Bamako on Thursday\n19 October 2023."
    check_support(dataset, lambda source: Document(source, "Release", text, "release.txt"))  # across a line break

    def not_indexed(source: str) -> Document:
        raise NotFoundError(f"No document {source!r} is indexed.")

    with pytest.raises(
        DatasetError, match=r"line 1: the source 'release' is not indexed; ingest it or fix the source\."
    ):
        check_support(dataset, not_indexed)
    with pytest.raises(
        DatasetError, match=r"line 1: the support 'on Thursday 19 October 2023' does not occur in release"
    ):
        check_support(dataset, lambda source: Document(source, "Release", "Something else.", "release.txt"))
