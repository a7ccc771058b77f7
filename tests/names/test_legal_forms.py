"""Legal forms of organisations: the project's table on top of rigour's (ISO 20275 and others)."""

from __future__ import annotations

import pytest

from tekser.names.parts import Role, analyze, legal_form, vocabulary_version


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("Ltd", "ltd"),  # the project's table
        ("Compeny", "co"),  # with one keying error
        ("ТОО", None),  # (a Cyrillic word is looked up by its Latin rendering, "too": see analysis below)
        ("too", "jsc"),
        ("Kft", "lc"),  # rigour, mapped onto the project's LLC class ("llc" folds to "lc")
        ("OOD", "lc"),
        ("Sirketi", "lc"),
        ("Aktiengesellschaft", "gmbh"),  # rigour's short form AG is in the project's GmbH class
        ("BVBA", "lc"),
        ("DMCC", "lc"),
        ("EP", None),  # rigour's two-letter forms are not used: aircraft marks, words
        ("IN", None),
        ("STG", None),  # not_legal_forms: a name in the lists
        ("Unlimited", None),
        ("Trading", None),
    ],
)
def test_legal_form(word: str, form: str | None) -> None:
    assert legal_form(word) == form


def test_legal_forms_in_analysis() -> None:
    roles = {t.text: t.role for t in analyze("TRIGRON LOJISTIK KARGO LIMITED SIRKETI", organization=True).tokens}
    assert roles == {
        "TRIGRON": Role.NAME,
        "LOJISTIK": Role.NAME,
        "KARGO": Role.NAME,
        "LIMITED": Role.LEGAL,
        "SIRKETI": Role.LEGAL,
    }
    assert analyze("ТОО Альфа", organization=True).key == analyze("TOO Alfa", organization=True).key == "alfa"
    assert analyze("Kardiam BVBA", organization=True).key == "kardam"
    assert analyze("Kardiam BVBA").key == "kardam bvba"  # a person's name has no legal form


def test_the_vocabulary_version_names_the_rigour_release() -> None:
    assert "+rigour-" in vocabulary_version()


@pytest.mark.parametrize(
    ("name", "legal", "key"),
    [
        ("JOINT STOCK COMPANY ALFA", "JOINT STOCK COMPANY", "alfa"),
        (
            "Товарищество с ограниченной ответственностью «Альфа»",
            "Товарищество с ограниченной ответственностью",
            "alfa",
        ),
        (
            "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU NEOBIT",
            "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU",
            "neobit",
        ),
        ("HIGH NUTRITION SOCIEDAD DE RESPONSABILIDAD LIMITADA", "SOCIEDAD DE RESPONSABILIDAD LIMITADA", "hig nutriton"),
        ("Garant-SV Limited Liability Company", "Limited Liability Company", "garant sv"),
    ],
)
def test_spelt_out_legal_forms_are_one_part(name: str, legal: str, key: str) -> None:
    analyzed = analyze(name, organization=True)
    assert [t.text for t in analyzed.tokens if t.role is Role.LEGAL] == [legal]
    assert analyzed.key == key


def test_words_of_the_projects_table_stay_apart() -> None:
    # rigour reads "CO LTD" and "S.A. DE C.V." as one form each; the project's table has each word
    analyzed = analyze("SUPREME SHIPPING CO LTD", organization=True)
    assert [(t.text, t.forms[0]) for t in analyzed.tokens if t.role is Role.LEGAL] == [("CO", "co"), ("LTD", "ltd")]
