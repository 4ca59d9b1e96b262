"""``pressroom eval`` end to end with the hashing embedder: fast, offline, and every file written."""

import json
from pathlib import Path

import pytest

from ui.cli import main

pytestmark = pytest.mark.usefixtures("use_fake_model")


def run_folders(home: Path) -> list[Path]:
    return sorted((home / "evals").iterdir())


def test_eval_prints_a_table_and_writes_three_reports(pressroom_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--dataset", "release-dev", "-k", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("release-dev: 33 questions (25 answerable, 8 not), k=3\n")
    assert "\nhit@3 " in out and "\naccuracy " in out and "\nquote validity " in out
    (folder,) = run_folders(pressroom_home)
    assert folder.name.endswith("-release-dev")
    assert f"reports: {folder / 'report.html'}" in out
    assert {path.name for path in folder.iterdir()} == {"index", "report.json", "report.md", "report.html"}
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert data["systems"][0]["system"] == "pressroom" and data["systems"][0]["scores"]["questions"] == 33
    assert data["systems"][0]["scores"]["quote_validity"] == 1.0, "every Pressroom citation quotes the stored text"


def test_the_baseline_runs_side_by_side_and_json_is_printed(
    pressroom_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--dataset", "release", "--baseline", "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["dataset"] == "release" and set(summary["scores"]) == {"pressroom", "baseline"}
    baseline = summary["scores"]["baseline"]
    assert baseline["abstention_recall"] == 0.0 and baseline["abstention_precision"] is None, (
        "the recipe never abstains"
    )
    assert baseline["quote_validity"] == 1.0, "its citation is the top passage, located in the document"
    assert Path(summary["folder"]).parent == pressroom_home / "evals"
    assert not list(Path(summary["folder"]).glob("pressroom-baseline-*")), "the baseline's Chroma folder is removed"


def test_the_release_index_of_a_run_holds_the_release_only(pressroom_home: Path) -> None:
    from evals import load_dataset, prepare_index

    index = prepare_index(load_dataset("release"), pressroom_home / "only-release")
    assert [info.source for info in index.sources()] == ["iom-mali-trafficking-2023"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["eval", "--dataset", "relase"], "error: Unknown dataset 'relase': use release, release-dev, release-fresh"),
        (["eval", "-k", "0"], "error: k must be a whole number from 1 to 50, got 0."),
        (["eval", "--dataset", "release", "--answerer", "oracle"], "error: Unknown answerer 'oracle'"),
    ],
)
def test_mistakes_end_in_one_line_and_exit_code_1(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_bad_dataset_file_is_rejected_before_any_work(
    tmp_path: Path, pressroom_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "mine.jsonl"
    broken.write_text('{"id": "m-1"}\n', encoding="utf-8")
    assert main(["eval", "--dataset", "release", "--dataset", str(broken)]) == 1
    assert "mine.jsonl, line 1: the item lacks question" in capsys.readouterr().err
    assert not (pressroom_home / "evals").exists(), "the release was not run before the broken file was found"


def test_a_dataset_given_by_path_is_answered_from_the_current_index(
    tmp_path: Path, pressroom_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "my questions.jsonl"
    item = {
        "id": "m-1", "question": "Who chaired the launch ceremony?", "answers": ["KASSOGUE"],
        "support": ["Mahamadou KASSOGUE, chaired the official launch ceremony"],
        "source": "iom-mali-trafficking-2023", "answerable": True, "kind": "who",
    }  # fmt: skip
    mine.write_text(json.dumps(item) + "\n", encoding="utf-8")
    assert main(["eval", "--dataset", str(mine), "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["dataset"] == "my questions" and summary["scores"]["pressroom"]["questions"] == 1
    assert Path(summary["folder"]).name.endswith("-my-questions")
    assert not (Path(summary["folder"]) / "index").exists(), "no fresh index: the documents are the user's own"
