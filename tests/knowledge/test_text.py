from knowledge.text import flowed, fold, is_hard_wrapped, paragraph_spans, sentence_spans, stem, terms, trim, units

WRAPPED = (
    "Licensed under the terms below, you may copy and distribute this work\n"
    "in any medium, provided that you keep this notice intact and that you\n"
    "give every recipient a copy of these terms along with the work itself.\n"
    "\n"
    "You may charge a fee for the physical act of transferring a copy, and\n"
    "you may at your option offer warranty protection in exchange for a fee.\n"
    "No other permission is granted by this notice, whether express or not.\n"
)


def texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Roelof Van EES, Chargé d’Affaires a.i. of the Embassy, spoke. The U.S. delegation was absent. Done."
    assert texts(text, sentence_spans(text)) == [
        "Mr. Roelof Van EES, Chargé d’Affaires a.i. of the Embassy, spoke.",
        "The U.S. delegation was absent.",
        "Done.",
    ]


def test_quoted_sentences_end_after_the_closing_quote() -> None:
    text = "“This plan matters,” she said. “We will act.” The end."
    assert texts(text, sentence_spans(text)) == ["“This plan matters,” she said.", "“We will act.”", "The end."]


def test_hard_wrapped_text_is_read_as_paragraphs_with_original_offsets() -> None:
    assert is_hard_wrapped(WRAPPED)
    paragraphs = paragraph_spans(WRAPPED)
    assert len(paragraphs) == 2
    sentences = [s for p in paragraphs for s in sentence_spans(WRAPPED, p)]
    assert len(sentences) == 3
    first = WRAPPED[sentences[0][0] : sentences[0][1]]
    assert first.startswith("Licensed under") and first.endswith("the work itself.") and "\n" in first


BOXED = (
    "Text before the box, which is an ordinary paragraph of its own here.\n"
    "\n"
    "****************************************\n"
    "*                                      *\n"
    "*  6. Disclaimer of Warranty           *\n"
    "*  -------------------------           *\n"
    "*                                      *\n"
    "*  Covered Software is provided on an  *\n"
    '*  "as is" basis. The entire risk is  *\n'
    "*  with You.                           *\n"
    "*                                      *\n"
    "****************************************\n"
)


def test_a_boxed_section_reads_as_its_sentences_and_quotes_step_over_the_frame() -> None:
    pieces = [BOXED[u.start : u.end] for u in units(BOXED)]
    assert pieces[1:4] == ["6.", "Disclaimer of Warranty", 'Covered Software is provided on an  *\n*  "as is" basis.']
    assert pieces[4] == "The entire risk is  *\n*  with You."
    assert [flowed(piece) for piece in pieces[3:]] == [
        'Covered Software is provided on an "as is" basis.',
        "The entire risk is with You.",
    ]


def test_stars_are_a_frame_only_around_three_lines_or_more() -> None:
    text = "* a bullet point that ends with a star *\nA sentence after it.\n"
    assert next(text[u.start : u.end] for u in units(text)).startswith("* a bullet")


def test_long_lines_are_paragraphs_each() -> None:
    text = "A first paragraph that runs long enough to not be wrapped text at all, " * 3 + "end.\nSecond one."
    assert len(paragraph_spans(text)) == 2


def test_navigation_lines_become_headings_not_sentences() -> None:
    text = "Who we are\nAbout\nThe plan was launched in Bamako.\n- Where we work\nContact: a@b.org, Tel. 1"
    kinds = [(text[u.start : u.end], u.heading) for u in units(text)]
    assert ("Who we are", True) in kinds and ("About", True) in kinds
    assert ("The plan was launched in Bamako.", False) in kinds
    assert ("- Where we work", False) in kinds  # a list item says something
    assert all(not heading for piece, heading in kinds if "a@b.org" in piece)


def test_terms_fold_accents_drop_stop_words_and_stem() -> None:
    assert fold("Lancé à Bamako") == "lance a bamako"
    assert stem("launched") == stem("launches") == stem("launching") == "launch"
    assert set(terms("Quand le plan a-t-il été lancé ?")) == {"plan", "lanc"}
    assert set(terms("lancement")) == {"lanc"}
    assert terms("the Pays-Bas") == terms("Pays Bas")


def test_british_and_american_spellings_are_one_term() -> None:
    """UN and European writers spell 'licence', 'organisation', 'programme': they find 'license' and its kin."""
    pairs = [
        ("licence", "license"),
        ("licences", "licenses"),
        ("organisations", "organizations"),
        ("authorised", "authorized"),
        ("colour", "color"),
        ("behaviour", "behavior"),
        ("programme", "program"),
        ("centre", "center"),
        ("defence", "defense"),
    ]
    for british, american in pairs:
        assert terms(british) == terms(american), (british, american)
    assert terms("four hours") == ["four", "hour"] and terms("licit") != terms("license")


def test_docstring_examples() -> None:
    import doctest

    import knowledge.text

    result = doctest.testmod(knowledge.text)
    assert result.attempted >= 2 and result.failed == 0


def test_a_sentence_wrapped_at_an_inline_enumeration_stays_one_sentence() -> None:
    text = (
        "An MMC is eligible for relicensing if all works that were first published under this License\n"
        "somewhere other than this MMC, and subsequently incorporated in whole or in part, (1) had no\n"
        "cover texts or invariant sections, and incorporated into the MMC site in whole or in part, and\n"
        "(2) were thus incorporated prior to November 1, 2008.\n"
        "\n"
        "(a) apples that are listed on a line of their own in a list of several items to choose from\n"
        "(b) pears that are listed on a line of their own in a list of several items to choose from\n"
    )
    pieces = [text[u.start : u.end] for u in units(text)]
    assert pieces[0].startswith("An MMC") and pieces[0].endswith("November 1, 2008.")
    assert [piece[:3] for piece in pieces[1:]] == ["(a)", "(b)"]


def test_the_rows_of_a_markdown_table_stay_apart() -> None:
    row = "| {} | a value long enough to fill most of a line of the table, row {} |\n"
    text = "".join(row.format(name, n) for n, name in enumerate("abcd"))
    assert [text[u.start : u.end][:4] for u in units(text)] == ["| a ", "| b ", "| c ", "| d "]


def test_a_piece_cut_at_a_box_frame_is_trimmed_of_it_at_either_end() -> None:
    text = 'on an "as is"       *\n*  basis'
    assert text[slice(*trim(text, (0, len(text) - len("  basis"))))] == 'on an "as is"'
    assert text[slice(*trim(text, (len('on an "as is"'), len(text))))] == "basis"
