"""What a question asks for: the kind of answer it expects, and the words that must be matched.

Whether a text holds that kind of answer is ``assistant.kinds``; the rule-based rewrite of a
follow-up ("Who chaired it?") into a standalone question is ``assistant.rewrite``.
"""

from __future__ import annotations

import re
from enum import Enum

from knowledge import fold, terms


class Expect(Enum):
    """The kind of answer a question asks for."""

    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERSON = "person"
    PLACE = "place"
    EXPANSION = "expansion"
    PHONE = "phone"
    EMAIL = "email"
    ANY = "any"


ASKS_WEEKDAY = re.compile(r"\b(?:day of the week|weekday|jour de la semaine)\b")

# "How long ...?" and "... in years?" ask for a duration: a count of units of time or of length
# ("five years", "ten lines"), not any number ("sections 4 and 5").
ASKS_DURATION = re.compile(r"\b(how long|pendant combien|in (?:years|months|weeks|days)(?=\s*\?|\s*$))")

# "How long has ... been ...?" is answered by when it began as well as by a count ("since 1998").
ASKS_SINCE = re.compile(r"\bhow long (?:has|have|had)\b|\bdepuis (?:quand|combien)\b")

# Words that shape a question without naming what it is about ("What kind of ... is listed in the release?").
FILLER = frozenset(
    terms(
        "many much exactly kind type sort full list listed quote quoted quotes release press statement document text "
        "mention mentioned cite cited state stated describe described refer referred according article report "
        "reported specifically particular main new "
        # Words that name the kind of answer: an entity of that kind answers them, not the word itself.
        "city town country countries region place location venue period day week month year date time person "
        "people official name number amount organisation organization agency position title role job"
    )
)


# "Take place" says that something happened, not what: its "take" is no word to match ("It will take over ...").
_HAPPENED = re.compile(r"\b(?:take|takes|took|taken|taking)\s+place\b", re.IGNORECASE)


def focus_terms(question: str) -> list[str]:
    """The search terms of a question without its filler words.

    >>> focus_terms("On which day of the week did the launch take place?")
    ['launch']
    """
    return [term for term in terms(_HAPPENED.sub(" ", question)) if term not in FILLER]


_PERSON_NOUNS = (
    "person|people|official|officials|minister|staff|member|coordinator|spokesperson|director|representative|"
    "speaker|diplomat|chair|head|leader|responsable|personne|ministre|coordinatrice|coordinateur|directeur|directrice"
)

_ABBREVIATION_QUESTION = re.compile(
    r"(?:does|do|is)\s+(?:the\s+)?(?:abbreviation\s+|acronym\s+)?([A-Z][\w/-]*[A-Z])\s+(?:stand for|mean|short for)|"
    r"full (?:name|form) of (?:the\s+)?([A-Z][\w/-]*[A-Z])\b|([A-Z][\w/-]*[A-Z]) (?:est|signifie) l|"
    r"(?:signifie|veut dire|désigne)\s+(?:le sigle\s+|l['’]acronyme\s+|l['’]abréviation\s+)?"
    r"(?:l['’])?([A-Z][\w/-]*[A-Z])\b|"
    r"(?:sigle|acronyme|abréviation)\s+([A-Z][\w/-]*[A-Z])\s+(?:signifie|veut dire|désigne)",
)


def abbreviation(question: str) -> str | None:
    """The acronym a question asks to expand ("What does UNODC stand for?" -> "UNODC")."""
    match = _ABBREVIATION_QUESTION.search(question)
    return next((group for group in match.groups() if group), None) if match else None


def role(question: str) -> list[str]:
    """The role a "Who is the ...?" question asks about: "Who is IOM's Chief of Mission in Mali?" -> chief, mission."""
    match = re.match(
        r"\s*(?:who|qui)\s+(?:is|was|are|were|est|etait)\s+(?:the\s+|a\s+|an\s+|le\s+|la\s+)?(?:\w+['’]s\s+)?(.+?)"
        r"(?:\s+(?:of|in|at|for|du|de|des|au)\s+.*)?\s*\??\s*$",
        fold(question),
    )
    # "Who is allowed to ...?", "Who is responsible for ...?" ask who may or must, not for a role.
    if not match or re.match(r"\s*who\s+(?:is|was|are|were)\s+\w+(?:ed|ible|able)\s+(?:to|by|for)\b", fold(question)):
        return []
    # A role is a noun: "Who was in the chair when ...?" asks who chaired, and a clause ("when Mali
    # launched ...") says when, not which role.
    if re.match(r"(?:in|at|on|behind|with|from|by|among|dans|a|derriere)\b", match.group(1)):
        return []
    noun = re.split(
        r"\s+(?:when|while|that|which|who|whom|where|after|before|during|quand|lorsque|qui|que)\b", match.group(1)
    )[0]
    return [term for term in terms(noun) if term not in FILLER]


# "Who chairs / heads / leads ...?" asks who holds an office: a sentence must say who holds one.
ASKS_OFFICE = re.compile(r"\s*(?:who|qui)\s+(?:chairs|heads|leads|directs|presides|dirige|preside)\b")


def counted(question: str) -> str | None:
    """The search term of what a "how many" question counts ("How many workshops ..." -> "workshop")."""
    match = re.search(r"\b(?:how many|combien de|combien d')\s*((?:\w+[\s-]+){0,2}\w+)", fold(question))
    if not match:
        return None
    found = [term for term in terms(match.group(1))]
    return found[0] if found else None


# The start of a question: after a follow-up's "and", or after a phrase that sets the context
# ("Under the Apache License, when ...?", "In GPL version 2, who ...?").
_OPENING = (
    r"\s*(?:(?:in|under|according to|for|per|within|selon|dans|d'apres|sous)\b[^,?]{0,80},\s*)?"
    r"(?:(?:and|but|so|then|et|mais|alors)\s+)?"
)


def asks_where(folded_question: str) -> bool:
    """Whether a (folded) question starts with "where" ("Under MPL 2.0, where ...?" too)."""
    return re.match(rf"{_OPENING}(where|ou)\b", folded_question) is not None


# "Where must binary redistributions reproduce the notice?" asks where in the materials ("in the
# documentation"), not a place on a map: the verb puts or finds something in a text.
_WHERE_IN_A_TEXT = re.compile(
    r"\b(?:where|ou)\s+(?:\S+\s+){0,8}?(?:reproduc\w*|put|putting|plac(?:e|ed|ing)(?!\s+of)|includ\w*|insert\w*|"
    r"keep|kept|display\w*|show\w*|stated?|mention\w*|appear\w*|listed|print\w*|attach\w*|add|added|adding|"
    r"record\w*|writ\w*|find|obtain\w*|get|read|reproduir\w*|mettr\w*|mis|inclu\w*|indiqu\w*|affich\w*|"
    r"mentionn\w*|trouv\w*|obten\w*|lir\w*)\b"
)


def expected(question: str) -> Expect:
    """The kind of answer: "When ..." wants a date, "How many ..." a number, "Who ..." a name."""
    if abbreviation(question):
        return Expect.EXPANSION
    q = _CONDITION.sub("", fold(_asking_sentence(question)), count=1)
    if re.search(r"\b(phone|telephone|tel|fax|call)\b", q):
        return Expect.PHONE
    if re.search(r"\b(e-?mail|email address|courriel)\b", q):
        return Expect.EMAIL
    if re.search(r"\b(how much|combien)\b", q) and re.search(
        r"\b(money|fund\w*|cost\w*|budget|amount|pay\w*|paid|spen[dt]\w*|financ\w*|contribut\w*|allocat\w*|invest\w*|"
        r"charg\w*|fees?|pric\w*|"
        r"dollars?|euros?|grant\w*|argent|montant)\b",
        q,
    ):
        return Expect.MONEY
    if ASKS_DURATION.search(q) or re.search(
        r"\b(how many|how much|combien|(?:what|which) (?:\w+ )?number|what percentage|what share|how old|quel age)\b", q
    ):
        return Expect.NUMBER
    if _ASKS_CONDITION.match(q):
        return Expect.ANY
    # "When ...?" asks for a date; a "when" further on opens a clause ("Which notice applies when ...?").
    # "What is the (publication) date of ...?" asks for one too.
    if re.match(rf"{_OPENING}(?:(?:since|from|until|till|by|depuis|jusqu'a)\s+)?(when|quand)\b", q) or re.search(
        r"\b((what|which) (date|day|year|month|period|time period|years)|"
        r"(what|which) (is|was|are|were) the (\w+ )?(date|year|day|month)s?(?= (of|for|on)\b|\s*\?|\s*$)|"
        r"quelle date|quel jour|quelle annee|en quelle annee|a quelle date)\b",
        q,
    ):
        return Expect.DATE
    asks_price = (
        r"((what|which)\s+(is|was|are|were|will be)\s+(the\s+)?(total\s+|overall\s+)?"
        r"(budget|cost|amount|price|sum|fee)|"
        r"(quel|quelle)\s+(est|etait|sera|a ete)\s+(le|la|l')\s*(budget|cout|montant|prix|somme))\b"
    )
    if re.match(rf"{_OPENING}{asks_price}", q):
        return Expect.MONEY
    if (
        re.match(rf"{_OPENING}(who|whom|whose|qui)\b", q)
        or re.search(r"\b(what is the name of)\b", q)
        or re.search(rf"\b(which|what|quel|quelle)\s+(?:\w+\s+){{0,3}}?({_PERSON_NOUNS})\b", q)
    ):
        return Expect.PERSON
    if (asks_where(q) and not _WHERE_IN_A_TEXT.search(q)) or re.search(
        r"\b((?:which|what) (?:cit(?:y|ies)|countr(?:y|ies)|towns?|venues?|locations?|regions?|places?)|in what place|"
        r"quelles? villes?|quels? pays|quels? lieux?|quel endroit|quelles? localites?|quelles? regions?)\b",
        q,
    ):
        return Expect.PLACE
    return Expect.ANY


# "When I modify the document, which section must I delete?" asks what its main clause asks: the
# opening "when"/"if" clause sets a condition (a "when" followed at once by a verb asks a time).
_CONDITION = re.compile(
    r"^\s*(?:when|whenever|if|once|lorsque|quand|si)\s+"
    r"(?!(?:is|was|are|were|did|does|do|will|would|can|could|should|must|has|have|had|est|etait|a)\b)[^,?]{3,120},\s*"
    r"(?=(?:what|which|who|whom|whose|where|when|how|why|is|are|was|were|do|does|did|can|could|may|must|should|will|"
    r"would|quel\w*|qui|ou|quand|comment|pourquoi|combien|est-ce)\b)"
)
# "When am I obliged to provide it?", "When must the notice be given?" ask under what condition, which
# a clause answers as well as a date does.
_ASKS_CONDITION = re.compile(
    rf"{_OPENING}(?:when|quand)\s+(?:(?:must|shall)\b|(?:\S+\s+){{0,4}}?"
    r"(?:obliged|required|allowed|permitted|entitled|bound|need|needs|have to|has to|oblige\w*|tenue?s?)\b)"
)


def _asking_sentence(question: str) -> str:
    """The sentence that asks, when a question comes with others ("I read the release. When was it launched?")."""
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", question.strip()) if part]
    return next((part for part in reversed(sentences) if part.endswith("?")), question)
