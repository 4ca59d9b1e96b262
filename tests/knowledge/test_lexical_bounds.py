"""The lexical index at scale: bounded postings per query term, exact scores, incremental upkeep."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from knowledge import Index, Settings
from knowledge import lexical as lexical_module
from knowledge.embedding import HashingEmbedder
from knowledge.lexical import LexicalIndex
from knowledge.text import terms


def brute_force(rows: list[tuple[str, str]], query: str) -> dict[str, float]:
    """BM25 of every chunk for ``query``, computed the long way."""
    counts = {chunk_id: Counter(terms(text)) for chunk_id, text in rows}
    average = sum(sum(c.values()) for c in counts.values()) / len(counts)
    wanted = Counter(terms(query))
    scores: dict[str, float] = {}
    for chunk_id, c in counts.items():
        length = sum(c.values())
        score = 0.0
        for term, times in wanted.items():
            df = sum(term in other for other in counts.values())
            if term in c and df:
                idf = math.log(1 + (len(counts) - df + 0.5) / (df + 0.5))
                score += times * idf * c[term] * 2.2 / (c[term] + 1.2 * (0.25 + 0.75 * length / average))
        if score:
            scores[chunk_id] = score
    return scores


def test_cut_postings_still_give_the_exact_best_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical_module, "MAX_POSTINGS", 5)  # "plan" is in 40 chunks: its list is cut
    rows = [
        (f"c{n:02d}", f"The plan number {n} was discussed at length by the council of the region.") for n in range(40)
    ]
    rows[17] = ("c17", "Plan plan plan: the Bamako plan.")
    rows[29] = ("c29", "The Bamako meeting.")
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add((chunk_id, "doc", text) for chunk_id, text in rows)
    found = index.search("Bamako plan", n=3)
    expected = sorted(brute_force(rows, "Bamako plan").items(), key=lambda pair: pair[1], reverse=True)[:3]
    assert [chunk for chunk, _ in found[:2]] == [chunk for chunk, _ in expected[:2]] == ["c29", "c17"]
    assert [round(score, 6) for _, score in found] == [round(score, 6) for _, score in expected]  # 3rd: a tie of 38


def test_frequencies_follow_additions_and_removals(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add([("a", "d1", "Timbuktu launch"), ("b", "d2", "launch")])
    assert index.known(["timbuktu", "launch", "nowhere"]) == {"timbuktu", "launch"}
    index.remove(["a"])
    assert index.known(["timbuktu", "launch"]) == {"launch"}
    assert index.ids("d2") == {"b"} and index.source_counts() == {"d2": 1}


def test_versions_and_revision_are_kept(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.set_versions({"d1": "v1", "d2": "v2"})
    index.set_versions({"d2": None})
    index.set_revision("abc123")
    again = LexicalIndex(tmp_path / "lexical.sqlite")
    assert again.versions() == {"d1": "v1"} and again.revision() == "abc123"
    again.clear()
    assert again.versions() == {} and again.revision() == ""


def test_an_index_written_by_an_older_version_is_rebuilt_from_chroma(tmp_path: Path) -> None:
    index = Index(Settings(home=tmp_path, model="hashing"), embedder=HashingEmbedder())
    index.ensure_default()
    path = index.lexical.path
    count = index.lexical.count()
    index.lexical.close()
    with sqlite3.connect(path) as old:  # the first schema: no terms table, user_version 0
        old.executescript(
            "DROP TABLE postings; DROP TABLE terms; PRAGMA user_version = 0;"
            "CREATE TABLE postings (term TEXT, chunk INTEGER, tf INTEGER, PRIMARY KEY (term, chunk)) WITHOUT ROWID;"
        )
    reopened = Index(Settings(home=tmp_path, model="hashing"), embedder=HashingEmbedder())
    assert reopened.lexical.count() == count > 0
    assert reopened.search("When was the plan launched?", k=1)
