"""Plain-text analysis with exact offsets: paragraphs, sentences, headings and search terms.

Every span is a ``(start, end)`` pair into the original text, so whatever is cut here can be
quoted back character for character.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

Span = tuple[int, int]

# Words that end with a period without ending the sentence ("Mr. Diallo", "a.i. at IOM").
ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "e.g", "i.e", "a.i", "u.s", "u.k", "u.n", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "art",
    "arts", "sec", "para", "paras", "fig", "vol", "p", "pp", "approx", "dept", "est", "gen", "gov", "sr", "jr",
    "mme", "mlle", "m", "cf", "al", "etc.", "ibid", "op"
])  # fmt: skip
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$|^[A-Z]\.$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_BULLET = re.compile(r"^\s*(?:[-*•–]\s+|\(?\d{1,3}[.)]\s+|\(?[a-z][.)]\s+)")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_ONLY_PUNCTUATION = re.compile(r"^[\W_]*$")
_TERMINAL = tuple('.!?:;,…"”’»')


def line_spans(text: str) -> list[Span]:
    """Spans of every line, without its newline."""
    spans, start = [], 0
    for match in re.finditer(r"\r\n|\n|\r|\f", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def is_hard_wrapped(text: str, lines: list[Span] | None = None) -> bool:
    """True for text broken at a fixed width (licences, e-mails), where a newline is not a paragraph."""
    lengths = [end - start for start, end in (lines or line_spans(text)) if text[start:end].strip()]
    if len(lengths) < 5:
        return False
    lengths.sort()
    p95 = lengths[int(0.95 * (len(lengths) - 1))]
    return p95 <= 100 and statistics.median(lengths) >= 35


# A boxed block ("*  text  *" lines between "*****" rules, as in MPL-2.0 sections 6 and 7, or "#" ones): its
# frame is layout, not text, so paragraphs and sentences run inside it and step over it. Not "|": a
# Markdown table's rows look framed too, and each row is a record of its own.
_FRAMED = re.compile(r"^([ \t]*([*#])[ \t]+)(.*?)[ \t]*\2[ \t]*$|^[ \t]*([*#])\4*[ \t]*$")
_FRAME_JOIN = re.compile(r"([*#])[ \t]*\n[ \t]*\1(?=[ \t])")
_FRAME_TAIL = re.compile(r"([*#])[ \t]*\n[ \t]*\1\Z")  # a piece cut just after the next line's frame
_BOX_MIN_LINES = 3


def _content_spans(text: str, lines: list[Span]) -> tuple[list[Span], list[int | None]]:
    """Each line's span without a box frame around it, and the width inside the box it sits in.

    A box is at least three consecutive framed lines with one frame character; its rules and
    blank inner lines become empty spans, so they end paragraphs as blank lines do. Lines
    outside a box have no box width (``None``).
    """
    matches = [_FRAMED.match(text[start:end]) for start, end in lines]
    frames = [m and (m.group(2) or m.group(4)) for m in matches]
    boxed: list[bool] = []
    for frame, run in groupby(frames):
        size = len(list(run))
        boxed += [bool(frame) and size >= _BOX_MIN_LINES] * size
    spans: list[Span] = []
    widths: list[int | None] = []
    for (start, end), match, inside in zip(lines, matches, boxed):
        if inside and match and match.group(2):
            start += match.end(1)
            spans.append((start, start + len(match.group(3))))
        else:
            spans.append((start, start) if inside else (start, end))
        widths.append(end - start - 1 if inside else None)  # inside the frame, not counting its right edge
    return spans, widths


_ENUMERATOR = re.compile(r"^\s*\((\d{1,2}|[a-z])\)\s")


def _continues_enumeration(text: str, paragraph: Span, line: str) -> bool:
    """Whether ``line`` opens with the next item of an enumeration running inside the end of
    ``paragraph`` (its last 1,000 characters are enough), wrapped at it: "... (1) had no cover
    texts, and" / "(2) were thus incorporated ...".

    >>> text = "steps: (1) copyright the software, and"
    >>> _continues_enumeration(text, (0, len(text)), "(2) offer you this license")
    True
    >>> _continues_enumeration("(a) apples", (0, 10), "(b) pears")
    False
    """
    match = _ENUMERATOR.match(line)
    if not match:
        return False
    item = match.group(1)
    before = f"({int(item) - 1 if item.isdigit() else chr(ord(item) - 1)})"
    rows = text[max(paragraph[0], paragraph[1] - 1000) : paragraph[1]].splitlines()
    return any(before in row[1:] for row in rows) and not any(row.lstrip().startswith(before) for row in rows)


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs, trimmed of surrounding white space.

    A blank line always ends a paragraph. In hard-wrapped text (and inside a box, which is
    always hard-wrapped) a single newline joins lines of one paragraph unless the line before is
    short or the next one starts a list item; elsewhere every line is its own paragraph.
    """
    lines = line_spans(text)
    wrapped = is_hard_wrapped(text, lines)
    contents, box_widths = _content_spans(text, lines)
    width = max((end - start for start, end in lines), default=0)
    paragraphs: list[Span] = []
    current: Span | None = None
    previous = ""
    for (start, end), box_width in zip(contents, box_widths):
        line = text[start:end]
        if not line.strip():
            if current:
                paragraphs.append(current)
            current = None
            continue
        if current is not None:
            soft = (
                (wrapped or box_width is not None)
                and len(previous.rstrip()) >= 0.6 * (box_width or width)
                and (not _BULLET.match(line) or _continues_enumeration(text, current, line))
                and not _MARKDOWN_HEADING.match(line)
                and not is_noise(line)  # a "-----" rule underlines the line above; it continues nothing
            )
            if soft:
                current, previous = (current[0], end), line
                continue
            paragraphs.append(current)
        current, previous = (start, end), line
    if current:
        paragraphs.append(current)
    return [trimmed for span in paragraphs if (trimmed := trim(text, span))[0] < trimmed[1]]


def trim(text: str, span: Span) -> Span:
    """The span without leading and trailing white space, nor a box frame it starts or ends on."""
    start, end = span
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if (join := _FRAME_JOIN.match(text, start, end)) is not None:
            start = join.end()
        elif (tail := _FRAME_TAIL.search(text, max(start, end - 100), end)) is not None:
            end = tail.start()
        else:
            return start, end


def flowed(text: str) -> str:
    """Text as one line, for showing a quote: white space collapsed, box frames stepped over.

    >>> flowed('on an "as is"   *\\n*  basis')
    'on an "as is" basis'
    """
    return " ".join(_FRAME_JOIN.sub(" ", text).split())


def is_heading(line: str) -> bool:
    """A short line that names what follows rather than saying something ("Who we are", "# Usage")."""
    stripped = line.strip()
    if _MARKDOWN_HEADING.match(stripped):
        return True
    if "\n" in stripped or len(stripped.split()) > 25 or _BULLET.match(stripped):
        return False
    if re.search(r"[.:;]\s|@", stripped):  # "Unit. E-mail: x@y" is a line of facts, not a title
        return False
    return bool(re.search(r"\w", stripped)) and not stripped.endswith(_TERMINAL)


def is_noise(line: str) -> bool:
    """Lines with no words at all ("-", "***")."""
    return bool(_ONLY_PUNCTUATION.match(line))


def _ends_with_abbreviation(text: str, stop: int) -> bool:
    """Whether the period at ``text[stop - 1]`` closes an abbreviation such as "Mr." or "a.i."."""
    word_start = stop - 1
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].lstrip("(\"“‘'")
    bare = word[:-1].lower()
    return bare in ABBREVIATIONS or word.lower() in ABBREVIATIONS or bool(_INITIALISM.match(word))


def sentence_spans(text: str, span: Span | None = None) -> list[Span]:
    """Sentences inside ``span`` (default: all of ``text``), as trimmed spans.

    >>> text = "Mr. Diallo spoke. The plan, led by a.i. staff, starts now."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Mr. Diallo spoke.', 'The plan, led by a.i. staff, starts now.']
    """
    start, end = span or (0, len(text))
    spans: list[Span] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        following = text[stop:end].lstrip()
        if following and not (following[0].isupper() or following[0].isdigit() or following[0] in "\"“‘«(['-–•*"):
            continue
        if text[match.start()] == "." and match.end() - match.start() == 1 and _ends_with_abbreviation(text, stop):
            continue
        piece = trim(text, (cursor, stop))
        if piece[0] < piece[1]:
            spans.append(piece)
        cursor = stop
    piece = trim(text, (cursor, end))
    if piece[0] < piece[1]:
        spans.append(piece)
    return spans


def split_long(text: str, span: Span, limit: int) -> list[Span]:
    """Cut a span longer than ``limit`` at white space (a sentence with no punctuation at all)."""
    start, end = span
    pieces: list[Span] = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        pieces.append(trim(text, (start, cut)))
        start = cut
    pieces.append(trim(text, (start, end)))
    return [piece for piece in pieces if piece[0] < piece[1]]


@dataclass(frozen=True)
class Unit:
    """A sentence or a heading of a document, the atom that chunks are made of."""

    start: int
    end: int
    heading: bool


def units(text: str, limit: int = 1000) -> list[Unit]:
    """The document as a sequence of headings and sentences, in order, noise lines dropped."""
    result: list[Unit] = []
    for paragraph in paragraph_spans(text):
        body = text[paragraph[0] : paragraph[1]]
        if is_noise(body):
            continue
        if is_heading(body):
            result.append(Unit(paragraph[0], paragraph[1], heading=True))
            continue
        for sentence in sentence_spans(text, paragraph):
            for piece in split_long(text, sentence, limit):
                result.append(Unit(piece[0], piece[1], heading=False))
    return result


# ---- search terms -------------------------------------------------------------------------

# Bump when ``terms`` changes, so that indexes of search terms are rebuilt (see knowledge.lexical).
ANALYZER_VERSION = 3

_ENGLISH_STOPWORDS = """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also did does said says say tell
    told according mentioned mention named name give gave given"""
# French, accents folded ("été" -> "ete"): articles, pronouns, prepositions, the forms of "être"
# and "avoir", question words, and the letters left by elision ("l’", "d’", "qu’", "jusqu’").
# Forms that are also English content words or acronyms are left out: "eu" (the EU), "ai" (AI).
_FRENCH_STOPWORDS = """au aux avec ce ces cet cette ceci cela ca celui celle ceux celles dans de des du elle elles
    en et eux il ils je la le les leur leurs lui ma mais me meme memes mes moi mon ne nos notre nous
    on ou par pas pour qu que qui quoi quel quelle quels quelles lequel laquelle lesquels lesquelles
    sa se ses son sur ta te tes toi ton tu un une vos votre vous y dont lors quand comment combien
    pourquoi ainsi alors aussi donc car ni sans sous chez vers tres plus moins tout toute tous toutes
    a d l s c n j m t jusqu lorsqu puisqu quoiqu presqu quelqu
    suis es est sommes etes sont serai seras sera serons serez seront serais serait serions seriez
    seraient etais etait etions etiez etaient fus fut fumes futes furent sois soit soyons soyez
    soient ete etee etees etes etant avons avez ont aurai auras aura aurons aurez auront aurais
    aurait aurions auriez auraient avais avait avions aviez avaient eut eurent aie aies ait ayons
    ayez aient ayant
    selon dit dite dits dites nom noms nomme nommee mentionne mentionnee indique indiquee"""
STOPWORDS = frozenset((_ENGLISH_STOPWORDS + " " + _FRENCH_STOPWORDS).split())

# Endings stripped by ``stem``, accents folded. Where one ending ends another ("ement", "ment",
# "ent", "e") the longer comes first; the first that leaves a stem of three letters or more wins.
_SUFFIXES = (
    # derivations, mostly shared by the two languages ("coordination", "coordinator", "coordinateur")
    "ements", "ement", "ments", "ment", "atrices", "atrice", "ateurs", "ateur", "ators", "ator",
    "ations", "ation", "itions", "ition", "ions", "ion", "ities", "ity", "ites", "ite",
    "ances", "ance", "ences", "ence", "ings", "ing",
    # French verbs and adjectives ("lançaient", "lançait", "lançant", "dangereuse")
    "aient", "ait", "antes", "ante", "ants", "ant", "euses", "euse", "eux",
    # participles and plurals ("launched", "launches", "studies", "lancés")
    "ers", "er", "ies", "ied", "ed", "es", "s", "e",
)  # fmt: skip
# British spellings written the American way, before suffixes go (both sides of a search are stemmed alike).
_BRITISH = (
    (re.compile(r"^(licen|defen|offen|preten)c(e|es|ed|ing)$"), r"\1s\2"),
    (re.compile(r"^(\w{3,})is(ation|ations|e|ed|es|ing|er|ers)$"), r"\1iz\2"),
    (re.compile(r"^(\w{3,})our(s|ed|ing|ite|ites|able)?$"), r"\1or\2"),
    (re.compile(r"^programme(s?)$"), r"program\1"),
    (re.compile(r"^(cent|met|lit|theat|fib)re(s?)$"), r"\1er\2"),
)
# Endings that also close short words of their own ("traite", "grant"): removed only when four
# letters or more remain.
_LONG_STEM = frozenset(["ites", "ite", "aient", "ait", "antes", "ante", "ants", "ant", "euses", "euse", "eux"])
_FEMININE = re.compile(r"é(?:es|e|s)\b")  # "lancée", "lancées", "lancés" -> "lancé", before accents are folded
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_APOSTROPHES = str.maketrans({"ʼ": "’"})  # a modifier letter would glue "lʼaction" into one word


def fold(text: str) -> str:
    """Lower case without accents: "Lancé" -> "lance"."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to fold (most English text), and ten times faster to know
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_APOSTROPHES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light English and French suffix stripper for folded words.

    >>> stem("launched"), stem("lance"), stem("lancer"), stem("lancement"), stem("lancaient")
    ('launch', 'lanc', 'lanc', 'lanc', 'lanc')
    >>> stem("nationaux") == stem("nationales") == stem("national")
    True
    >>> stem("licence") == stem("license"), stem("organisations") == stem("organizations")
    (True, True)
    """
    if word.isdigit() or len(word) <= 3:
        return word
    for british, american in _BRITISH:  # "licence" finds "license", "organisation" "organization"
        word = british.sub(american, word)
    if word.endswith("aux") and len(word) >= 6:  # "nationaux" -> "national"
        return word[:-3] + "al"
    if word.endswith("eaux"):  # "nouveaux" -> "nouveau"
        return word[:-1]
    if word.endswith(("if", "ifs")) and len(word) >= 6:  # "exécutif(s)" -> "executiv", as "executive" is
        return word[: -2 if word.endswith("if") else -3] + "iv"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix in _LONG_STEM else 3):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Search terms of a text: folded, stop words dropped, stemmed; numbers kept as they are.

    Elided articles and hyphens split words as spaces do, so "l’Organisation" finds "organisation"
    and "Pays-Bas" finds "Pays Bas".

    >>> terms("Quand le plan a-t-il été lancé ?"), terms("the plan was launched")
    (['plan', 'lanc'], ['plan', 'launch'])
    """
    folded = fold(_FEMININE.sub("é", text.lower()))
    return [stem(token) for token in _TOKEN.findall(folded) if token not in STOPWORDS]
