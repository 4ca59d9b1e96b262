"""The vectors of a chunk's sentences, packed into one short string of its metadata in the store.

The answerer compares a question with each sentence of the passages it got; keeping each
sentence's vector with its chunk (computed once, at ingest) spares embedding them at every answer.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

Span = tuple[int, int]


def pack_sentences(vectors: Mapping[Span, Sequence[float]]) -> str:
    """Sentence vectors keyed by their (start, end) offsets, as one short ASCII string for a chunk's metadata.

    Each unit vector is kept in 8 bits per number with its own scale, a quarter of the size of
    float32 (about 520 characters a sentence for 384 dimensions); cosine similarities move by
    about 0.001. ``unpack_sentences`` reverses it.

    >>> packed = pack_sentences({(0, 12): [0.6, 0.8]})
    >>> [round(x, 2) for x in unpack_sentences(packed)[(0, 12)]]
    [0.6, 0.8]
    """
    import numpy as np

    if not vectors:
        return ""
    spans = np.array(list(vectors), dtype="<u4")
    matrix = np.asarray(list(vectors.values()), dtype=np.float32)
    scales = np.maximum(np.abs(matrix).max(axis=1), 1e-12) / 127.0
    codes = np.round(matrix / scales[:, None]).astype(np.int8)
    header = np.array([len(spans), matrix.shape[1]], dtype="<u4")
    raw = header.tobytes() + spans.tobytes() + scales.astype("<f4").tobytes() + codes.tobytes()
    return base64.b64encode(raw).decode("ascii")


def unpack_sentences(packed: str) -> dict[Span, list[float]]:
    """The sentence vectors ``pack_sentences`` packed; empty for an empty or damaged string."""
    import numpy as np

    try:
        raw = base64.b64decode(packed.encode("ascii"), validate=True)
        count, dimension = (int(x) for x in np.frombuffer(raw[:8], dtype="<u4"))
        spans = np.frombuffer(raw[8 : 8 + 8 * count], dtype="<u4").reshape(count, 2)
        scales = np.frombuffer(raw[8 + 8 * count : 8 + 12 * count], dtype="<f4")
        codes = np.frombuffer(raw[8 + 12 * count :], dtype=np.int8).reshape(count, dimension)
    except (ValueError, TypeError):  # written by another version, or cut short: embed the sentences instead
        return {}
    matrix = codes.astype(np.float32) * scales[:, None]
    return {(int(start), int(end)): row.tolist() for (start, end), row in zip(spans, matrix)}
