"""A BM25 index kept in SQLite: updated incrementally on ingest, never rebuilt or scanned per query.

A query reads only the postings of its own terms, so its cost grows with how common those terms
are, not with the size of the archive.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from knowledge.text import terms

K1, B = 1.2, 0.75

_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, length INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL, chunk INTEGER NOT NULL, tf INTEGER NOT NULL, PRIMARY KEY (term, chunk)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_chunk ON postings(chunk);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('chunks', 0), ('length', 0);
"""


class LexicalIndex:
    """BM25 over chunk texts, stored in one SQLite file; safe to share between processes.

    >>> index = LexicalIndex(Path(":memory:"))
    >>> index.add([("c1", "doc", "The plan was launched in Bamako.")])
    >>> [chunk for chunk, _ in index.search("launch")]
    ['c1']
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=60, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _stats(self) -> tuple[int, int]:
        rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        return rows["chunks"], rows["length"]

    def count(self) -> int:
        with self._lock:
            return self._stats()[0]

    def ids(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT id FROM chunks")}

    def add(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Index ``(chunk_id, source, text)`` rows; ids already present are left as they are."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                added, total = 0, 0
                for chunk_id, source, text in rows:
                    counts = Counter(terms(text))
                    length = sum(counts.values())
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO chunks (id, source, length) VALUES (?, ?, ?)", (chunk_id, source, length)
                    )
                    if cursor.rowcount == 0:
                        continue
                    rowid = cursor.lastrowid
                    self._db.executemany(
                        "INSERT INTO postings VALUES (?, ?, ?)", [(term, rowid, tf) for term, tf in counts.items()]
                    )
                    added, total = added + 1, total + length
                self._bump(added, total)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget the given chunks (ids not present are ignored)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                removed, total = 0, 0
                for chunk_id in chunk_ids:
                    row = self._db.execute("SELECT rowid, length FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
                    if row is None:
                        continue
                    self._db.execute("DELETE FROM postings WHERE chunk = ?", (row[0],))
                    self._db.execute("DELETE FROM chunks WHERE rowid = ?", (row[0],))
                    removed, total = removed + 1, total + row[1]
                self._bump(-removed, -total)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._lock:
            self._db.executescript(
                "BEGIN; DELETE FROM postings; DELETE FROM chunks;"
                " UPDATE meta SET value = 0 WHERE key IN ('chunks', 'length'); COMMIT;"
            )

    def _bump(self, chunks: int, length: int) -> None:
        self._db.execute("UPDATE meta SET value = value + ? WHERE key = 'chunks'", (chunks,))
        self._db.execute("UPDATE meta SET value = value + ? WHERE key = 'length'", (length,))

    def known(self, words: Iterable[str]) -> set[str]:
        """The search terms among ``words`` that occur somewhere in the index."""
        wanted = list(set(words))
        if not wanted:
            return set()
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT term FROM postings WHERE term IN ({','.join('?' * len(wanted))})", wanted
            ).fetchall()
        return {row[0] for row in rows}

    def search(self, query: str, n: int = 20) -> list[tuple[str, float]]:
        """The ``n`` best chunks for ``query`` as ``(chunk_id, bm25)``, best first."""
        query_terms = Counter(terms(query))
        if not query_terms:
            return []
        with self._lock:
            count, length = self._stats()
            if count == 0:
                return []
            placeholders = ",".join("?" * len(query_terms))
            frequencies = dict(
                self._db.execute(
                    f"SELECT term, COUNT(*) FROM postings WHERE term IN ({placeholders}) GROUP BY term",
                    list(query_terms),
                ).fetchall()
            )
            weights = {
                term: query_terms[term] * math.log(1 + (count - df + 0.5) / (df + 0.5))
                for term, df in frequencies.items()
            }
            # In a large index, terms in more than half the chunks say little and cost the most:
            # skip them if others remain (in a small one they are cheap and still break ties).
            if count >= 1000:
                rare = {term: weight for term, weight in weights.items() if frequencies[term] <= count / 2}
                weights = rare or weights
            if not weights:
                return []
            values = ",".join("(?, ?)" for _ in weights)
            params: list[object] = [value for pair in weights.items() for value in pair]
            rows = self._db.execute(
                f"""WITH q(term, weight) AS (VALUES {values})
                SELECT c.id, SUM(q.weight * p.tf * {K1 + 1} / (p.tf + {K1} * (1 - {B} + {B} * c.length / ?)))
                       AS score
                FROM q JOIN postings p ON p.term = q.term JOIN chunks c ON c.rowid = p.chunk
                GROUP BY p.chunk ORDER BY score DESC LIMIT ?""",
                [*params, max(length / count, 1.0), n],
            ).fetchall()
        return [(chunk_id, float(score)) for chunk_id, score in rows]
