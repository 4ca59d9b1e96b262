"""French and English: language detection, French search terms, and readers that keep French text exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import Index
from knowledge.chunking import chunk_document
from knowledge.language import detect_language, language_at, language_name
from knowledge.lexical import LexicalIndex
from knowledge.sources import read
from knowledge.text import STOPWORDS, sentence_spans, stem, terms

FRENCH = (
    "Le Mali lance un Plan d’action national de lutte contre la traite des personnes 2023-2027\n\n"
    "Bamako – Le ministre de la Justice a présidé jeudi 19 octobre 2023 la cérémonie de lancement "
    "du plan, élaboré avec l’appui de l’OIM et de l’ONUDC. « C’est une étape décisive », a-t-il déclaré. "
    "Les Pays-Bas financent l’initiative jusqu’en 2027.\n"
)


@pytest.mark.parametrize(
    "text",
    [
        "Quand le plan a-t-il été lancé ?",
        "Qui a présidé la cérémonie ?",
        "Combien d’années dure le plan ?",
        "Où le plan a-t-il été lancé ?",
        "Que signifie le sigle ONUDC ?",
        "quel est le rôle de l'OIM",
        FRENCH,
    ],
)
def test_french_is_recognised(text: str) -> None:
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "When was the plan launched?",
        "Who chaired the ceremony?",
        "What does CNCLTP/PA stand for?",
        "In which city was the plan launched?",
        "the café is open",
        "",
        "UNODC",
        "Bamako, 19 October 2023",
    ],
)
def test_english_and_undecided_text_is_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_a_quote_takes_its_own_language_inside_a_translated_document() -> None:
    text = "Le plan a été lancé jeudi à Bamako. The Debian Project was founded by Ian Murdock in 1993."
    english = text.index("The Debian")
    assert language_at(text, 0, english - 1) == "fr"
    assert language_at(text, english, len(text)) == "en"


def test_language_names_in_both_languages() -> None:
    assert language_name("fr") == "French"
    assert language_name("fr", in_language="fr") == "français"
    assert language_name("en", in_language="fr") == "anglais"


# ---- French search terms ---------------------------------------------------------------


def test_lance_finds_lancement_in_every_form() -> None:
    forms = ["lancé", "lancée", "lancés", "lancées", "Lancées", "lancer"]
    forms += ["lance", "lançant", "lançait", "lancement", "lancements"]
    assert {term for form in forms for term in terms(form)} == set(terms("lancement")) == {"lanc"}
    assert terms("The plan was launched") != terms("Le plan a été lancé")  # no translation: that is the model's job


def test_hyphens_and_spaces_give_the_same_terms() -> None:
    assert terms("Pays-Bas") == terms("Pays Bas") == terms("pays bas")
    assert terms("a-t-il été lancé") == terms("a t il ete lance")


@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ"])
def test_elisions_are_dropped_with_any_apostrophe(apostrophe: str) -> None:
    a = apostrophe
    assert terms(f"l{a}Organisation d{a}action qu{a}il jusqu{a}à aujourd{a}hui") == terms(
        "organisation action aujourd hui"
    )
    assert terms(f"L{a}ORGANISATION") == terms("organisation")


def test_french_stop_words_are_dropped() -> None:
    assert terms("Qui est-ce qui a été nommé par les ministres, selon le communiqué ?") == ["ministr", "communiqu"]
    assert {"les", "des", "ete", "etaient", "sont", "ont", "jusqu", "dont"} <= STOPWORDS
    assert "eu" not in STOPWORDS and "ai" not in STOPWORDS  # the EU and AI stay searchable


def test_french_plurals_and_genders_share_a_stem() -> None:
    assert stem("nationaux") == stem("nationale") == stem("nationales") == stem("national")
    assert terms("sécurité") == terms("securite") == terms("security")
    assert terms("traite") == terms("traité") == terms("traitement")
    assert terms("objectifs") == terms("objectif") == terms("objective")


def test_english_terms_keep_their_behaviour() -> None:
    assert stem("launched") == stem("launches") == stem("launching") == "launch"
    assert terms("The plan was launched in Bamako") == ["plan", "launch", "bamako"]
    assert terms("agreed") == terms("agree") == terms("agrees")
    assert terms("committee") == terms("committees")
    assert terms("19 October 2023, 1.5 million") == ["19", "octob", "2023", "1.5", "mill"]


def test_bm25_finds_french_text_from_other_forms_of_its_words(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add(
        [
            ("fr", "doc", "La cérémonie de lancement du plan s’est tenue à Bamako."),
            ("nl", "doc", "Les Pays Bas financent l’initiative."),
            ("en", "doc", "The minister thanked the partners."),
        ]
    )
    assert index.search("Quand le plan a-t-il été lancé ?")[0][0] == "fr"
    assert index.search("Que finance le gouvernement des Pays-Bas ?")[0][0] == "nl"
    index.close()


# ---- readers keep French text exact ----------------------------------------------------


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_files_keep_accents_and_typographic_apostrophes(tmp_path: Path, encoding: str) -> None:
    extracted = read(_write(tmp_path / "communique.txt", FRENCH, encoding))
    text, title = extracted.text, extracted.title
    assert text == FRENCH
    assert title.startswith("Le Mali lance un Plan d’action national")
    for fragment in ("l’appui de l’OIM", "« C’est une étape décisive »", "présidé", "Pays-Bas"):
        start = text.index(fragment)
        assert text[start : start + len(fragment)] == fragment


def test_html_keeps_accents_apostrophes_and_guillemets(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Lancement du plan d’action</title></head><body>"
        "<h1>Lancement du plan d’action</h1>"
        "<p>Le ministre a présidé la cérémonie de lancement. « C’est une étape décisive », a-t-il déclaré.</p>"
        "<p>L&rsquo;OIM et l&#8217;ONUDC ont apporté leur appui&nbsp;: voilà.</p>"
        "</body></html>"
    )
    extracted = read(_write(tmp_path / "page.html", page))
    text, title = extracted.text, extracted.title
    assert title == "Lancement du plan d’action"
    assert "« C’est une étape décisive », a-t-il déclaré." in text
    assert "L’OIM et l’ONUDC ont apporté leur appui : voilà." in text


def test_sentences_and_chunks_of_french_text_have_exact_offsets(tmp_path: Path) -> None:
    from knowledge.types import Document

    extracted = read(_write(tmp_path / "communique.txt", FRENCH))
    text, title = extracted.text, extracted.title
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert "« C’est une étape décisive », a-t-il déclaré." in sentences
    document = Document("communique", title, text, str(tmp_path / "communique.txt"))
    chunks = chunk_document(document, max_chars=120)
    assert len(chunks) > 1
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text


def test_a_french_document_is_found_by_a_french_question_and_quoted_exactly(tmp_path: Path, fake_index: Index) -> None:
    from assistant import ask

    path = _write(tmp_path / "communique-fr.txt", FRENCH)
    fake_index.ingest([path])
    answer = ask("Quand la cérémonie de lancement a-t-elle eu lieu ?", index=fake_index)
    assert answer.language == "fr"
    assert answer.passages[0].source == "communique-fr"
    document = fake_index.get_document("communique-fr")
    for citation in answer.citations:
        assert document.text[citation.start : citation.end] == citation.quote
        assert citation.language == "fr"
    assert answer.source_languages in ((), ("fr",))
