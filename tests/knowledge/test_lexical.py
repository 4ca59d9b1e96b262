from pathlib import Path

from knowledge.lexical import LexicalIndex


def test_bm25_ranks_rarer_terms_higher_and_updates_incrementally(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add(
        [
            ("a", "d1", "The plan was launched in Bamako on Thursday."),
            ("b", "d1", "The plan covers prevention and protection."),
            ("c", "d2", "The Netherlands funded the plan."),
        ]
    )
    assert [chunk for chunk, _ in index.search("Who funded it?")] == ["c"]
    assert index.search("launch Bamako")[0][0] == "a"
    index.remove(["a"])
    assert index.count() == 2 and "a" not in index.ids()
    assert index.search("launch Bamako") == []
    index.add([("a", "d1", "The plan was launched in Bamako on Thursday.")])
    assert index.search("launch Bamako")[0][0] == "a"


def test_adding_an_existing_id_changes_nothing(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add([("a", "d", "launch")])
    index.add([("a", "d", "launch")])
    assert index.count() == 1


def test_a_second_process_sees_the_same_index(tmp_path: Path) -> None:
    LexicalIndex(tmp_path / "lexical.sqlite").add([("a", "d", "Pays-Bas")])
    assert LexicalIndex(tmp_path / "lexical.sqlite").search("pays bas")[0][0] == "a"


def test_questions_without_search_terms_find_nothing(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add([("a", "d", "text")])
    assert index.search("who is it?") == []


def test_a_search_within_named_documents_scores_them_as_the_whole_index_would(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add(
        [
            ("a", "gpl-2", "You may charge a fee for the physical act of transferring a copy."),
            ("b", "gpl-3", "You may charge any price or no price for each copy that you convey."),
            ("c", "gpl-3", "The offer must be valid for at least three years."),
        ]
    )
    everywhere = dict(index.search("charge a fee for a copy"))
    within = index.search("charge a fee for a copy", sources=["gpl-3"])
    assert [chunk for chunk, _ in within] == ["b"]  # "c" holds no word of the question
    assert within[0][1] == everywhere["b"]  # the same BM25, with the whole index's term frequencies
    assert index.search("charge a fee", sources=["unknown"]) == []
