"""A BM25 index kept in SQLite: updated incrementally on ingest, never rebuilt or scanned per query.

A query reads, for each of its terms, the term's document frequency (one row of ``terms``) and
at most ``MAX_POSTINGS`` of its postings, best first: postings are keyed ``(term, impact,
chunk)``, where ``impact`` is the term's BM25 weight in the chunk, so the best ones are the first
rows of the term's range. Its cost is bounded by the number of query terms, whatever the size of
the archive. Scores are exact whenever every query term occurs in at most ``MAX_POSTINGS`` chunks;
beyond that, a chunk that is in none of the lists read is not considered, and the best
candidates are scored exactly again from their stored term frequencies.

The index also remembers which version of each document it holds and which revision of the
store it last matched, so that the index can check it is current with one cheap comparison
(see ``knowledge.lexical_sync`` and ``Writer.current_lexical`` in ``knowledge.writer``).
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from knowledge.text import ANALYZER_VERSION, terms

K1, B = 1.2, 0.75
MAX_POSTINGS = 500  # postings read per query term, best first
TYPICAL_LENGTH = 60.0  # the chunk length (in terms) that impacts are normalised to
# The tables' layout and the way text becomes terms: a change to either makes an old file stale.
SCHEMA_VERSION = 2 * 1000 + ANALYZER_VERSION

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, length INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS frequencies (chunk INTEGER PRIMARY KEY, tfs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL, impact INTEGER NOT NULL, chunk INTEGER NOT NULL, tf INTEGER NOT NULL, length INTEGER NOT NULL,
    PRIMARY KEY (term, impact, chunk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, version TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('chunks', 0), ('length', 0), ('revision', '');
"""


def impact(tf: int, length: int) -> int:
    """A posting's rank within its term: its BM25 term weight at a typical average length, x1000.

    >>> impact(2, 30) > impact(1, 30) > impact(1, 300)
    True
    """
    return round(1000 * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / TYPICAL_LENGTH)))


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
        # WAL with synchronous=NORMAL never corrupts the file; a power cut may lose the last writes,
        # which the repair from Chroma restores (this index is derived data).
        self._db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;")
        self._migrate()
        self._db.executescript(_SCHEMA)

    def _migrate(self) -> None:
        """Drop an index written by an older version: it is rebuilt from Chroma, which holds the truth."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:  # another process may have won
                for table in ("postings", "chunks", "frequencies", "terms", "sources", "meta"):
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def _stats(self) -> tuple[int, int]:
        rows = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('chunks', 'length')").fetchall())
        return int(rows["chunks"]), int(rows["length"])

    def count(self) -> int:
        with self._lock:
            return self._stats()[0]

    def ids(self, source: str | None = None) -> set[str]:
        """Ids of the indexed chunks (of one document when ``source`` is given)."""
        with self._lock:
            if source is None:
                return {row[0] for row in self._db.execute("SELECT id FROM chunks")}
            return {row[0] for row in self._db.execute("SELECT id FROM chunks WHERE source = ?", (source,))}

    def source_counts(self) -> dict[str, int]:
        """How many chunks of each document the index holds."""
        with self._lock:
            return dict(self._db.execute("SELECT source, COUNT(*) FROM chunks GROUP BY source").fetchall())

    # ---- what the index matches: a store revision and a version per document ---------------

    def revision(self) -> str:
        """The store revision this index was last found to match ('' when unknown)."""
        with self._lock:
            return str(self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def set_revision(self, revision: str) -> None:
        with self._lock:
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (revision,))

    def versions(self) -> dict[str, str]:
        """The version of each document whose chunks this index holds in full."""
        with self._lock:
            return dict(self._db.execute("SELECT source, version FROM sources").fetchall())

    def set_versions(self, versions: dict[str, str | None]) -> None:
        """Record documents' versions; ``None`` forgets one (its chunks are gone or to be checked)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for source, version in versions.items():
                    if version is None:
                        self._db.execute("DELETE FROM sources WHERE source = ?", (source,))
                    else:
                        self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?)", (source, version))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # ---- writing ------------------------------------------------------------------------

    def add(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Index ``(chunk_id, source, text)`` rows; ids already present are left as they are."""
        analysed = [(chunk_id, source, Counter(terms(text))) for chunk_id, source, text in rows]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                added, total = 0, 0
                postings: list[tuple[str, int, int, int, int]] = []
                frequencies: Counter[str] = Counter()
                for chunk_id, source, counts in analysed:
                    length = sum(counts.values())
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO chunks (id, source, length) VALUES (?, ?, ?)", (chunk_id, source, length)
                    )
                    if cursor.rowcount == 0:
                        continue
                    rowid = cursor.lastrowid
                    self._db.execute(
                        "INSERT INTO frequencies VALUES (?, ?)", (rowid, json.dumps(counts, separators=(",", ":")))
                    )
                    postings.extend((term, impact(tf, length), rowid, tf, length) for term, tf in counts.items())
                    frequencies.update(counts.keys())
                    added, total = added + 1, total + length
                postings.sort()  # inserting in key order keeps the b-tree writes local
                self._db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?)", postings)
                self._db.executemany(
                    "INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                    sorted(frequencies.items()),
                )
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
                postings: list[tuple[str, int, int]] = []
                frequencies: Counter[str] = Counter()
                for chunk_id in chunk_ids:
                    row = self._db.execute(
                        "SELECT c.rowid, c.length, f.tfs FROM chunks c JOIN frequencies f ON f.chunk = c.rowid"
                        " WHERE c.id = ?",
                        (chunk_id,),
                    ).fetchone()
                    if row is None:
                        continue
                    rowid, length, counts = row[0], row[1], json.loads(row[2])
                    postings.extend((term, impact(tf, length), rowid) for term, tf in counts.items())
                    frequencies.update(counts.keys())
                    self._db.execute("DELETE FROM chunks WHERE rowid = ?", (rowid,))
                    self._db.execute("DELETE FROM frequencies WHERE chunk = ?", (rowid,))
                    removed, total = removed + 1, total + length
                postings.sort()
                self._db.executemany("DELETE FROM postings WHERE term = ? AND impact = ? AND chunk = ?", postings)
                self._db.executemany(
                    "UPDATE terms SET df = df - ? WHERE term = ?",
                    [(df, term) for term, df in sorted(frequencies.items())],
                )
                if frequencies:
                    self._db.execute("DELETE FROM terms WHERE df <= 0")
                self._bump(-removed, -total)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._lock:
            self._db.executescript(
                "BEGIN IMMEDIATE; DELETE FROM postings; DELETE FROM chunks; DELETE FROM frequencies; DELETE FROM terms;"
                " DELETE FROM sources;"
                " UPDATE meta SET value = 0 WHERE key IN ('chunks', 'length');"
                " UPDATE meta SET value = '' WHERE key = 'revision'; COMMIT;"
            )

    def _bump(self, chunks: int, length: int) -> None:
        self._db.execute("UPDATE meta SET value = value + ? WHERE key = 'chunks'", (chunks,))
        self._db.execute("UPDATE meta SET value = value + ? WHERE key = 'length'", (length,))

    # ---- reading ------------------------------------------------------------------------

    def frequencies(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """The number of chunks, and how many chunks hold each of ``words`` (words in none are left out)."""
        wanted = list(set(words))
        with self._lock:
            count = self._stats()[0]
            if not wanted:
                return count, {}
            rows = self._db.execute(
                f"SELECT term, df FROM terms WHERE df > 0 AND term IN ({','.join('?' * len(wanted))})", wanted
            ).fetchall()
        return count, {term: int(df) for term, df in rows}

    def used_outside(self, term: str, source: str) -> bool:
        """Whether a chunk of another document than ``source`` holds the search term ``term``."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM postings p JOIN chunks c ON c.rowid = p.chunk"
                " WHERE p.term = ? AND c.source != ? LIMIT 1",
                (term, source),
            ).fetchone()
        return row is not None

    def known(self, words: Iterable[str]) -> set[str]:
        """The search terms among ``words`` that occur somewhere in the index."""
        return set(self.frequencies(words)[1])

    def search(self, query: str, n: int = 20, sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``n`` best chunks for ``query`` as ``(chunk_id, bm25)``, best first; only of ``sources`` if given."""
        query_terms = Counter(terms(query))
        if not query_terms or n <= 0:
            return []
        with self._lock:
            count, length = self._stats()
            if count == 0:
                return []
            placeholders = ",".join("?" * len(query_terms))
            frequencies = dict(
                self._db.execute(
                    f"SELECT term, df FROM terms WHERE term IN ({placeholders})", list(query_terms)
                ).fetchall()
            )
            weights = {
                term: query_terms[term] * math.log(1 + (count - df + 0.5) / (df + 0.5))
                for term, df in frequencies.items()
                if df > 0
            }
            # In a large index, terms in more than half the chunks say little and cost the most:
            # skip them if others remain (in a small one they are cheap and still break ties).
            if count >= 1000:
                rare = {term: weight for term, weight in weights.items() if frequencies[term] <= count / 2}
                weights = rare or weights
            if not weights:
                return []
            average = max(length / count, 1.0)
            if sources is not None:  # the chunks of a few named documents: score each of them
                marks = ",".join("?" * len(sources))
                rows = self._db.execute(
                    f"SELECT c.id, 0, c.length, f.tfs FROM chunks c JOIN frequencies f ON f.chunk = c.rowid"
                    f" WHERE c.source IN ({marks})",
                    list(sources),
                ).fetchall()
                return _rescored(rows, weights, average, n)
            lists = " UNION ALL ".join(
                "SELECT * FROM (SELECT chunk, tf, length, ? AS weight FROM postings"
                " WHERE term = ? ORDER BY impact DESC LIMIT ?)"
                for _ in weights
            )
            params: list[object] = [v for term, weight in weights.items() for v in (weight, term, MAX_POSTINGS)]
            truncated = any(frequencies[term] > MAX_POSTINGS for term in weights)
            pool = max(3 * n, 50) if truncated else n
            best = f"""SELECT h.chunk, h.length,
                       SUM(h.weight * h.tf * {K1 + 1} / (h.tf + {K1} * (1 - {B} + {B} * h.length / ?)))
                       AS score FROM ({lists}) h GROUP BY h.chunk ORDER BY score DESC LIMIT ?"""
            if truncated:
                rows = self._db.execute(
                    f"SELECT c.id, b.score, b.length, f.tfs FROM ({best}) b JOIN chunks c ON c.rowid = b.chunk"
                    " JOIN frequencies f ON f.chunk = b.chunk",
                    [average, *params, pool],
                ).fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT c.id, b.score FROM ({best}) b JOIN chunks c ON c.rowid = b.chunk ORDER BY b.score DESC",
                    [average, *params, pool],
                ).fetchall()
        if truncated:  # the lists read were cut: score the best candidates again with all their terms
            return _rescored(rows, weights, average, n)
        return [(chunk_id, float(score)) for chunk_id, score in rows]


def _rescored(
    rows: Iterable[tuple[str, object, int, str]], weights: dict[str, float], average: float, n: int
) -> list[tuple[str, float]]:
    """BM25 of each ``(chunk_id, _, length, term frequencies as JSON)`` row, the ``n`` best first (none scoring 0)."""
    scored = []
    for chunk_id, _, chunk_length, tfs in rows:
        counts = json.loads(tfs)
        norm = K1 * (1 - B + B * chunk_length / average)
        score = sum(w * counts[t] * (K1 + 1) / (counts[t] + norm) for t, w in weights.items() if t in counts)
        if score > 0:
            scored.append((chunk_id, float(score)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:n]
