"""The title of a text: its headline, its first heading-like line, or its file name.

A line that is part of a paragraph is never a title, however capitalised: in hard-wrapped text
("...our General Public\\nLicense applies to the Free Software Foundation's\\nsoftware and ...")
a line that the next one continues, or that continues a long line before it, is a fragment.

>>> guess_title("GNU GENERAL PUBLIC LICENSE\\n  Version 1, February 1989\\n\\n Copyright", "GPL-1")
'GNU GENERAL PUBLIC LICENSE, Version 1, February 1989'
>>> guess_title("the committee met on Monday and agreed that\\nthe budget would be cut by half.\\n", "minutes")
'minutes'
"""

from __future__ import annotations

import re

from knowledge.text import is_heading, is_noise, line_spans

_WRAPPED_LINE = 40  # a line at least this long, not ending a sentence, runs on into the next one
_CONTINUED = re.compile(
    r"[a-z][a-z'’-]*(?:[\s,;]|$)"
)  # a line that starts with a word in lower case (not "http://...")


def guess_title(text: str, fallback: str) -> str:
    """The headline of a text: a long title-case line near the top, else its first line when that
    reads as a title ("Bref historique de Debian"), else its first capitalised title-like line,
    else its first line when it is short and whole, else ``fallback`` (the file name).

    Shouted legal lines ("TERMS AND CONDITIONS FOR USE, ..."), postal addresses and lines of a
    paragraph are not titles.
    """
    text = text[:65536]  # the title is near the top; splitting a 50 MB first line into words took a minute and GBs
    raw = [text[start:end] for start, end in line_spans(text)[:80]]
    lines: list[str] = []
    whole: set[str] = set()  # lines that stand on their own, not pieces of a paragraph
    for number, line in enumerate(raw):
        stripped = line.strip().lstrip("#").strip()
        if stripped and not is_noise(stripped):
            lines.append(stripped)
            if not _fragment(raw, number):
                whole.add(stripped)
    titled = [line for line in lines if line in whole and _could_be_title(line)]
    capitalised = [line for line in titled if _capitalised_share(line) >= 0.6]
    headline = next((line for line in capitalised if len(line.split()) >= 6 and _title_case(line)), None)
    # A title written in sentence case is found only on the first line: further down, such a
    # line is more often a heading or a signature ("Always answer ...", "Debian Publicity Team").
    opening = lines[0] if lines and lines[0] in titled else None
    chosen = headline or opening or (capitalised[0] if capitalised else None)
    if chosen:
        after = titled[titled.index(chosen) + 1 : titled.index(chosen) + 2]
        if after and after[0].lower().startswith("version"):  # "GNU GPL" + "Version 3, 29 June 2007"
            chosen = f"{chosen}, {after[0]}"
        return chosen
    first = lines[0] if lines else ""
    return first if first and first in whole and len(first) <= 120 else fallback


def _fragment(lines: list[str], number: int) -> bool:
    """Whether ``lines[number]`` is part of a paragraph: the next line continues it (starts in lower
    case), or it continues a long line before it that does not end a sentence."""
    line = lines[number].strip()
    following = lines[number + 1].strip() if number + 1 < len(lines) else ""
    before = lines[number - 1].rstrip() if number > 0 else ""
    if _CONTINUED.match(following) and not line.endswith((".", "!", "?", ":")):
        return True
    return (
        len(before.strip()) >= _WRAPPED_LINE and not before.endswith((".", "!", "?", ":", ";")) and line[:1].isalpha()
    )


def _could_be_title(line: str) -> bool:
    """A heading of 2 to 25 words that is neither shouted legal text nor an address or a copyright line."""
    words = line.split()
    shouted = line.isupper() and len(words) >= 6
    address = bool(re.search(r"\b\d{5}\b", line)) or "copyright" in line.lower()
    return is_heading(line) and 2 <= len(words) <= 25 and not shouted and not address


def _capitalised_share(line: str) -> float:
    words = line.split()
    return sum(1 for word in words if word[:1].isupper() or word[:1].isdigit()) / len(words)


def _title_case(line: str) -> bool:
    """A headline capitalises its words, short linking words aside."""
    long_words = [word for word in line.split() if len(word) > 3]
    return sum(1 for word in long_words if word[:1].isupper() or word[:1].isdigit()) > 0.8 * len(long_words)
