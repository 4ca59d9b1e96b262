"""What a question asks for: the kind of answer it expects, and the words that must be matched.

Also the rule-based rewrite of a follow-up ("Who chaired it?") into a standalone question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache
from importlib import resources

from knowledge.text import STOPWORDS, fold, stem, terms


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


_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*\d{{4}})?|"
    rf"(?:{_MONTHS})\s+\d{{4}}|(?:19|20)\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    rf"{_WEEKDAYS})\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    "thousand|million|billion|dozen|single|both|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille"
)
NUMBER = re.compile(rf"\b(?:\d+(?:[.,]\d+)*%?|(?:{_NUMBER_WORDS})(?:-\w+)?)\b", re.IGNORECASE)
MONEY = re.compile(
    r"(?:[$€£¥]\s?\d|\b\d[\d.,]*\s*(?:usd|eur|euros?|dollars?|francs?|cfa|xof|pounds?|million|billion|m|bn)\b|"
    r"\b(?:usd|eur|cfa|xof|us\$)\s?\d)",
    re.IGNORECASE,
)
# A capitalised name of two words or more, or a surname in capitals ("Mahamadou KASSOGUE", "UNODC").
NAME = re.compile(
    r"\b(?:[A-Z][\w’'-]+\s+(?:(?:de|van|von|da|del|du|of|the|and|for)\s+)*[A-Z][\w’'-]+|[A-Z]{2,}[\w-]*)\b"
)


_CAPITALISED = r"[A-Z][\w’'-]+(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]+)*"
# A place is a name after a word that locates ("in Bamako", "à Bordeaux"), a news dateline
# ("Bamako – The Minister ..."), or a country.
LOCATED = re.compile(rf"\b(?:in|at|near|from|across|throughout|within|en|à|au|aux|dans)\s+(?:the\s+)?({_CAPITALISED})")
DATELINE = re.compile(r"^\s*([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)\s*[–—-]\s")
# A region named by its adjective: "West African countries", "the Sahelian states".
REGIONAL = re.compile(
    r"\b((?:[A-Z][\w’'-]+\s+)?[A-Z][\w’'-]*(?:an|ese|ish|ic))\s+(?:countries|states|nations|regions?)\b"
)
DESCRIBED_PLACE = re.compile(
    r"\b(?:in|at|before|within)\s+(?:the|a|any)\s+(?:\w+\s+)?(?:courts?|place|premises|offices?|jurisdiction|venue|"
    r"territory|country|state|region|city|building|site)\b",
    re.IGNORECASE,
)
# An organisation's office named by its acronym and a place ("at IOM Mali", "UNODC Nigeria") is the organisation.
_OFFICE_OF = re.compile(
    r"\b[A-Z]{2,}\s+[A-Z][\w’'-]*|"
    # ... or an office named for the place it serves ("Regional Office for West and Central Africa").
    r"\b(?:Office|Embassy|Ministry|Mission|Bureau|Delegation|Representation|Programme|Program|Initiative|Project|"
    r"Fund|Centre|Center|Commission|Council|Agency)\s+(?:for|of)\s+(?:the\s+)?"
    r"[A-Z][\w’'-]*(?:\s+(?:(?:and|of|the)\s+)*[A-Z][\w’'-]*)*"
)
_TITLE_WORD_BEFORE = re.compile(r"\b([A-Z][\w’'-]*)\s*$")
# Last words of an institution's name, which "in X" locates ("the Ministry of Justice in Bamako"),
# unlike the words of a title ("Trafficking in Persons").
_SEATED = frozenset(
    ["justice", "affairs", "ministry", "ministere", "embassy", "ambassade", "office", "bureau", "mission", "department", "agency", "centre", "center", "unit", "court", "council", "government", "headquarters", "university"]
)
# Last words that make a name an organisation or a text rather than a place ("in the Global Compact").
_NOT_PLACES = frozenset(
    "act agency article committee compact convention corporation department foundation fund goals initiative "
    "law licence license ministry nations office organisation organization plan programme program project "
    "protocol section strategy unit version "
    # Capitalised defined terms of licences and contracts ("in the Work", "in the Program").
    "work works software library document documentation package product contribution source".split()
)
PHONE = re.compile(r"(?:\+|\b)(?!\d{5}-\d{4}\b)\d[\d .()-]{6,}\d\b")  # not a ZIP+4 code ("MA 02110-1301")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
RELATIVE_DATE = re.compile(
    r"\b(?:as of|from|on|upon|until|after|before)\s+the\s+(?:date|day|time)\b|\bthe date (?:on which|that|when|of)\b",
    re.IGNORECASE,
)
FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})\b",
    re.IGNORECASE,
)

WEEKDAY = re.compile(rf"\b(?:{_WEEKDAYS})\b", re.IGNORECASE)
_ASKS_WEEKDAY = re.compile(r"\b(?:day of the week|weekday|jour de la semaine)\b")

# "How long ...?" and "... in years?" ask for a duration: a count of units of time or of length
# ("five years", "ten lines"), not any number ("sections 4 and 5").
_ASKS_DURATION = re.compile(r"\b(how long|pendant combien|in (?:years|months|weeks|days)(?=\s*\?|\s*$))")

# "How long has ... been ...?" is answered by when it began as well as by a count ("since 1998").
_ASKS_SINCE = re.compile(r"\bhow long (?:has|have|had)\b|\bdepuis (?:quand|combien)\b")
_SINCE = re.compile(
    rf"\b(?:since|depuis)\s+(?:(?:the\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+)?(?:19|20)\d{{2}}\b", re.IGNORECASE
)

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
# A first name and a surname in capitals ("Vanessa LEIGH"), or a name after a title or "said".
PERSON_NAME = re.compile(
    r"\b[A-Z][a-zé’'-]+\s+(?:(?:van|von|de|da|del|du|Van|De)\s+)?[A-Z]{2,}[A-Z’'-]*\b|"
    r"\b(?:said|says|added|highlighted|by|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Minister|Coordinator|Director)\s+"
    r"[A-Z][\w’'-]+\s+[A-Z][\w’'-]+"
)


# The parties legal and institutional texts name instead of people.
PARTY = re.compile(
    r"\b(?:(?:original|initial)\s+)?(?:copyright\s+holders?|copyright\s+owners?|licensors?|licensees?|contributors?|"
    r"authors?|university|foundation|steward|authorities|government|ministry|agency|committee)\b",
    re.IGNORECASE,
)


_ABBREVIATION_QUESTION = re.compile(
    r"(?:does|do|is)\s+(?:the\s+)?(?:abbreviation\s+|acronym\s+)?([A-Z][\w/-]*[A-Z])\s+(?:stand for|mean|short for)|"
    r"full (?:name|form) of (?:the\s+)?([A-Z][\w/-]*[A-Z])\b|([A-Z][\w/-]*[A-Z]) (?:est|signifie) l|"
    r"(?:signifie|veut dire|désigne)\s+(?:le sigle\s+|l['’]acronyme\s+|l['’]abréviation\s+)?(?:l['’])?([A-Z][\w/-]*[A-Z])\b|"
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
_ASKS_OFFICE = re.compile(r"\s*(?:who|qui)\s+(?:chairs|heads|leads|directs|presides|dirige|preside)\b")
_OFFICE = frozenset(
    terms("chair chairman chairwoman chairperson head leader lead led direct director presides president dirige")
)


_HOLDER = frozenset(terms("copyright holder owner"))
_NOTICE = re.compile(r"\bcopyright\s*(?:\(c\)|©)", re.IGNORECASE)


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


def _asks_where(folded_question: str) -> bool:
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
    if _ASKS_DURATION.search(q) or re.search(
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
        r"((what|which)\s+(is|was|are|were|will be)\s+(the\s+)?(total\s+|overall\s+)?(budget|cost|amount|price|sum|fee)|"
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
    if (_asks_where(q) and not _WHERE_IN_A_TEXT.search(q)) or re.search(
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


def _novel(pattern: re.Pattern[str], text: str, question: str) -> list[str]:
    """Matches of ``pattern`` in ``text`` that the question does not already contain.

    An answer must add something: "When was the 2018-2022 plan adopted?" is not answered by "2018-2022".
    """
    asked = fold(question)
    found = (fold(match.group()).strip() for match in pattern.finditer(text))
    return [match for match in found if match not in asked and match not in STOPWORDS]


_YEAR = re.compile(r"(?:19|20)\d{2}")


def kind_strength(text: str, kind: Expect, question: str = "") -> float:
    """How well ``text`` holds the kind asked for, beyond what the question says: 1 fully, 0 not.

    A bare year for "when" or an organisation for "who" is a partial answer (0.5); a number that
    does not count what a "how many" question counts is a weak one (0.25).

    >>> kind_strength("the four priority areas", Expect.NUMBER, "How many victims were found?")
    0.25
    >>> kind_strength("It was launched on 19 October 2023.", Expect.DATE, "When was it launched?")
    1.0
    """
    if kind is Expect.ANY:
        return 1.0
    if kind is Expect.EXPANSION:
        acronym = re.escape(abbreviation(question) or "")
        return 1.0 if acronym and re.search(rf"\(\s*{acronym}\s*\)|\b{acronym}\s*\(", text) else 0.0
    if kind is Expect.NUMBER:
        if _ASKS_SINCE.search(fold(question)) and _SINCE.search(text):
            return 1.0  # "How long has IOM been present?" -- "since 1998"
        quantities = EMAIL.sub(" ", PHONE.sub(" ", text))  # the digits of a phone number count nothing
        numbers = [n for n in _novel(NUMBER, quantities, question) if not _YEAR.fullmatch(n)]
        return _count_strength(text, question) if numbers else 0.0
    if kind is Expect.DATE:
        if _ASKS_WEEKDAY.search(fold(question)):  # only a weekday answers it; a full date half does
            return 1.0 if _novel(WEEKDAY, text, question) else 0.5 if _novel(FULL_DATE, text, question) else 0.0
        if _novel(FULL_DATE, text, question):
            return 1.0
        # A year, a month, or a time told by an event ("as of the date such litigation is filed").
        return 0.5 if _dates_the_subject(text, question) or RELATIVE_DATE.search(text) else 0.0
    if kind is Expect.PERSON:
        asked_role = set(role(question))
        # "Who is the President?" is not answered by a sentence about a minister; a copyright notice
        # ("Copyright (c) The Regents of ...") names the copyright holder without the word.
        if not (asked_role <= set(terms(text)) or asked_role <= _HOLDER and _NOTICE.search(text)):
            return 0.0
        if _ASKS_OFFICE.match(fold(question)) and not _OFFICE & set(terms(text)):
            return 0.0  # "Who chairs the committee?" is answered by a sentence about who chairs, heads or leads
        if _novel(PERSON_NAME, text, question):
            return 1.0
        # An organisation, or in legal text a party ("the original copyright holder"), answers some "who" questions.
        return 0.5 if _novel(NAME, text, question) or _novel(PARTY, text, question) else 0.0
    if kind is Expect.PLACE:
        if places(text, question):
            return 1.0
        # "Where may litigation be brought?" -- "in the courts of a jurisdiction where ...": a place described, not named.
        return 0.5 if _asks_where(fold(question)) and DESCRIBED_PLACE.search(text) else 0.0
    patterns = {Expect.PHONE: PHONE, Expect.EMAIL: EMAIL, Expect.MONEY: MONEY}
    return 1.0 if _novel(patterns[kind], text, question) else 0.0


# A capitalised name (with its small linking words) just before or just after a year: "the National
# Action Plan to Combat Trafficking in Persons 2023-2027", "the 2018-2022 National Action Plan".
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:(?:of|to|in|for|on|and|the)\s+)*)*[A-Z][\w’'-]*)\s+$")
_NAME_AFTER = re.compile(r"\s+([A-Z][\w’'-]*(?:\s+(?:(?:of|to|in|for|on|and|the)\s+)*[A-Z][\w’'-]*)*)")


def _dates_the_subject(text: str, question: str) -> bool:
    """Whether ``text`` holds a date (beyond the question's) that may date the question's subject.

    A year that belongs to the name of something the question does not ask about dates that thing:
    "When did the COMPASS initiative start?" is not answered by "the National Action Plan ... 2023-2027".

    >>> _dates_the_subject("It is part of the Plan to Combat Trafficking 2023-2027.", "When did COMPASS start?")
    False
    >>> _dates_the_subject("It is part of the Plan to Combat Trafficking 2023-2027.", "When does the plan end?")
    True
    >>> _dates_the_subject("The plan expires in 2022.", "When did COMPASS start?")
    True
    >>> _dates_the_subject("Copyright (C) 2007 Free Software Foundation, Inc.", "When was GPLv3 written?")
    True
    """
    novel = _novel(DATE, text, question)
    if any(not _YEAR.fullmatch(date) for date in novel):
        return True  # a month or a day dates whatever the sentence tells
    focus = set(focus_terms(question))
    for match in _YEARS.finditer(text):
        if not set(_YEAR.findall(match.group())) & set(novel):
            continue
        if _COPYRIGHT_BEFORE.search(text, 0, match.start()):
            return True  # "Copyright (C) 2007 Free Software Foundation": the year of the copyright, not of a name
        before = _NAME_BEFORE.search(text, 0, match.start())
        after = _NAME_AFTER.match(text, match.end())
        named = {term for found in (before, after) if found for term in terms(found.group(1))} - _MONTH_TERMS
        if not named or named & focus:
            return True
    return False


_COPYRIGHT_BEFORE = re.compile(r"(?:copyright|\(c\)|©)\s*$", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\b")
_MONTH_TERMS = frozenset(terms(f"{_MONTHS}|{_WEEKDAYS}".replace("|", " ")))


def places(text: str, question: str = "") -> list[str]:
    """The places ``text`` names that the question does not already name.

    >>> places("The plan was launched in Bamako on Thursday.", "Which city hosted the launch?")
    ['bamako']
    >>> places("It is in line with objective 10 of the Global Compact.", "Where?")
    []
    >>> places("It runs for five years in Mali and West African countries.", "Which city hosted the launch?")
    []
    """
    asked = fold(question)
    found = [match.group(1) for match in DATELINE.finditer(text)]
    offices = [match.span() for match in _OFFICE_OF.finditer(text)]

    def free(match: re.Match[str], group: int = 0) -> bool:
        """Not within an organisation's office ("at IOM Mali")."""
        return not any(start <= match.start(group) < end for start, end in offices)

    def titled(match: re.Match[str]) -> bool:
        """Within a title ("Trafficking in Persons"), not after an institution ("the Ministry of Justice in Bamako")."""
        word = _TITLE_WORD_BEFORE.search(text, 0, match.start())
        return word is not None and fold(word.group(1)) not in _SEATED

    found += [m.group(1) for m in LOCATED.finditer(text) if not titled(m) and free(m, 1)]
    named = [name for name in found if fold(name.split()[-1]) not in _NOT_PLACES]
    if re.search(r"\b(city|town|village|venue|ville|lieu|endroit|localite)\b", asked):  # a country or region is no city
        named = [name for name in named if not _countries().fullmatch(name)]
    else:
        named += [match.group(1) for match in REGIONAL.finditer(text)]
        named += [match.group() for match in _countries().finditer(text) if free(match)]
    return list(dict.fromkeys(fold(name) for name in named if fold(name) not in asked))


def countries(text: str) -> list[str]:
    """The country names ``text`` holds ("Mali", "the Netherlands"), as written."""
    return [match.group() for match in _countries().finditer(text)]


@lru_cache(maxsize=1)
def _countries() -> re.Pattern[str]:
    """Any name of ``data/places.txt``, longest first (read on first use, not at import)."""
    listed = resources.files("assistant").joinpath("data/places.txt").read_text(encoding="utf-8").splitlines()
    names = sorted((line.strip() for line in listed if line.strip() and not line.startswith("#")), key=len)[::-1]
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b")


# Words that place a subject in time. A sentence about "the previous five-year plan" does not
# answer "What is the time horizon of the new plan?", however close its other words are.
_EARLIER = frozenset(
    ["previous", "former", "prior", "preceding", "earlier", "old", "outgoing", "expired", "expiring", "predecessor", "ancien", "ancienne", "precedent", "precedente"]
)
_LATER = frozenset(
    ["new", "next", "current", "upcoming", "forthcoming", "latest", "nouveau", "nouvelle", "nouvel", "prochain", "prochaine", "actuel", "actuelle"]
)


def other_time(question: str, text: str, kind: Expect = Expect.ANY) -> bool:
    """Whether ``text`` speaks of another time than the question: it qualifies its subject only as
    earlier when the question asks of a later one (or the reverse), or it names years and none of
    the question's (unless the question asks for a date, which is then a new year).

    >>> other_time("How long will the new plan run?", "It replaces the previous five-year plan.")
    True
    >>> other_time("How long will the new plan run?", "The new plan replaces the previous one.")
    False
    >>> other_time("Who led Debian from 1996 to 1997?", "Sam Hartman led Debian from 2019 until 2020.")
    True
    """
    asked_earlier, asked_later, asked_years = _times(question)
    said_earlier, said_later, said_years = _times(text)
    if asked_earlier != asked_later and (said_earlier, said_later) == (asked_later, asked_earlier):
        return True
    return bool(asked_years and said_years and not asked_years & said_years and kind is not Expect.DATE)


@lru_cache(maxsize=8192)
def _times(text: str) -> tuple[bool, bool, frozenset[str]]:
    """Whether ``text`` speaks of something earlier, of something later, and the years it names
    (cached: a question is compared with every retrieved sentence, and sentences recur)."""
    said = set(re.findall(r"\w+", fold(text)))
    return bool(said & _EARLIER), bool(said & _LATER), frozenset(_YEAR.findall(text))


# What a duration counts.
_DURATION_UNITS = frozenset(
    stem(fold(word))
    for word in ["year", "month", "week", "day", "hour", "minute", "line", "page", "word", "character", "an", "ans", "année", "mois", "semaine", "jour", "heure", "ligne"]
)


def _count_strength(text: str, question: str) -> float:
    thing = counted(question)
    units = {thing} if thing else _DURATION_UNITS if _ASKS_DURATION.search(fold(question)) else None
    if units is None:
        return 1.0
    words = [(token, stem(token.rstrip(".,"))) for token in re.findall(r"[\w.,%]+", fold(text))]
    for index, (token, _) in enumerate(words):
        if NUMBER.fullmatch(token) and units & {stemmed for _, stemmed in words[index + 1 : index + 4]}:
            return 1.0
    return 0.25  # a number, but not a count of what was asked


def has_kind(text: str, kind: Expect) -> bool:
    """Whether ``text`` holds something of the kind asked for (a date, a number that is not a year, ...)."""
    return kind_strength(text, kind) > 0


_FOLLOW_UP = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|then|il|elle|ils|elles|lui|leur|ce|cela|ça)\b",
    re.IGNORECASE,
)


def standalone(question: str, history: Sequence[object] | None) -> str:
    """A follow-up made standalone by adding the previous question: "Who chaired it?" + "When was the plan launched?".

    ``history`` is a list of earlier turns: ``(user, assistant)`` pairs, or ``{"role", "content"}`` messages.
    """
    previous = _last_user_turn(history)
    if not previous:
        return question
    own_terms = terms(question)
    if _FOLLOW_UP.search(question) or len(own_terms) <= 1:
        return f"{question} ({previous})"
    return question


def _last_user_turn(history: Sequence[object] | None) -> str:
    for turn in reversed(list(history or [])):
        if isinstance(turn, dict) and turn.get("role") == "user":
            return str(turn.get("content") or "").strip()
        if isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            return turn[0].strip()
    return ""
