"""Which language a text is written in: French or English, the two Pressroom reads and answers in.

The guess counts the short function words each language cannot do without ("le", "les", "est",
"qui" against "the", "of", "is", "which"), French elisions ("l’", "d’", "qu’") and accented letters.
It needs no model, runs in microseconds and is right on a question of three words; anything it
cannot decide (an empty string, a name, a number) is English, Pressroom's first language.

>>> detect_language("Quand le plan a-t-il été lancé ?")
'fr'
>>> detect_language("When was the plan launched?")
'en'
>>> language_name("fr"), language_name("en", in_language="fr")
('French', 'anglais')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
DEFAULT: Language = "en"

_NAMES = {
    ("en", "en"): "English",
    ("fr", "en"): "French",
    ("en", "fr"): "anglais",
    ("fr", "fr"): "français",
}

# Function words, accents folded. A word that is common in both languages ("a", "on", "plan",
# "dans" aside) counts for neither; question words weigh double, so that a short question is
# recognised by its first word.
_FRENCH = frozenset([
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "est", "sont", "ete", "etait", "etaient",
    "ou", "qui", "que", "quoi", "dont", "ce", "cet", "cette", "ces", "il", "ils", "elle", "elles", "nous", "vous",
    "leur", "leurs", "son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes", "notre", "votre", "nos", "vos",
    "par", "pour", "dans", "sur", "avec", "sans", "sous", "entre", "vers", "chez", "mais", "donc", "car", "pas",
    "ne", "plus", "tres", "aussi", "comme", "lors", "avant", "apres", "depuis", "pendant", "selon", "ainsi",
    "alors", "encore", "deja", "tout", "toute", "tous", "toutes", "meme", "avait", "avaient", "sera", "seront",
    "serait", "fait", "faire", "peut", "doit", "ont", "cela", "ceci", "celui", "celle", "ceux", "lequel",
    "laquelle", "lesquels", "quel", "quelle", "quels", "quelles", "quand", "comment", "combien", "pourquoi"
])  # fmt: skip
_ENGLISH = frozenset([
    "the", "of", "and", "to", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "this",
    "that", "these", "those", "which", "who", "whom", "whose", "what", "when", "where", "why", "how", "with",
    "from", "by", "for", "at", "into", "onto", "about", "over", "under", "after", "before", "during", "it", "its",
    "they", "them", "their", "there", "here", "he", "she", "his", "her", "we", "our", "you", "your", "not", "no",
    "yes", "but", "or", "if", "than", "then", "also", "only", "just", "very", "can", "could", "would", "should",
    "will", "shall", "may", "might", "must", "do", "does", "did", "done", "an", "any", "all", "some", "such",
    "other", "each", "every", "one", "many", "much", "more", "most", "said", "says"
])  # fmt: skip
_QUESTION_WORDS = {
    "fr": frozenset(["quand", "comment", "combien", "pourquoi", "quel", "quelle", "quels", "quelles", "qui", "que",
                     "quoi", "lequel", "laquelle"]),
    "en": frozenset(["when", "how", "why", "which", "who", "whom", "whose", "what", "where"]),
}  # fmt: skip
_ELISION = re.compile(r"\b(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’ʼ](?=[^\W\d_])", re.IGNORECASE)
_FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôœùûüÿ«»]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 3000  # characters read: enough for a page, cheap for a whole document


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def language_scores(text: str) -> dict[Language, float]:
    """The evidence for each language in ``text`` (higher is stronger); both 0 when there is none.

    >>> language_scores("Le plan")["fr"] > language_scores("Le plan")["en"]
    True
    """
    sample = text[:_SAMPLE]
    scores: dict[Language, float] = {"en": 0.0, "fr": 0.0}
    for word in _WORD.findall(_fold(sample)):
        for language, words in (("fr", _FRENCH), ("en", _ENGLISH)):
            if word in words:
                scores[language] += 2.0 if word in _QUESTION_WORDS[language] else 1.0
    scores["fr"] += 1.5 * len(_ELISION.findall(sample))
    # Accents hint at French but also occur in English (names, "café"): a weak signal.
    scores["fr"] += 0.3 * min(len(_FRENCH_LETTERS.findall(sample)), 20)
    return scores


def detect_language(text: str) -> Language:
    """``"fr"`` or ``"en"``: the language ``text`` is written in; English when nothing decides it.

    Only the first few thousand characters are read, so a whole document costs no more than a page.

    >>> detect_language("Qui a présidé la cérémonie de lancement ?"), detect_language("UNODC")
    ('fr', 'en')
    """
    return _detect(text[:_SAMPLE])


@lru_cache(maxsize=2048)
def _detect(sample: str) -> Language:
    scores = language_scores(sample)
    return "fr" if scores["fr"] > scores["en"] else DEFAULT


def language_at(text: str, start: int, end: int, window: int = 600) -> Language:
    """The language of ``text[start:end]`` (a quote): the quote itself when it says enough, else its surroundings.

    A translated document may keep a paragraph in its original language, so the quote's own
    words decide before the document's.

    >>> text = "Le plan a été lancé jeudi. The plan was launched on Thursday."
    >>> language_at(text, 0, 26), language_at(text, 27, len(text))
    ('fr', 'en')
    """
    scores = language_scores(text[start:end])
    if abs(scores["fr"] - scores["en"]) >= 2:
        return "fr" if scores["fr"] > scores["en"] else "en"
    return detect_language(text[max(0, start - window) : end + window])


def language_name(code: str, in_language: str = "en") -> str:
    """The name of a language, in English or in French: ``language_name("fr", "fr") == "français"``."""
    return _NAMES.get((code, in_language if in_language in LANGUAGES else "en"), code)


__all__ = ["DEFAULT", "LANGUAGES", "Language", "detect_language", "language_at", "language_name", "language_scores"]
