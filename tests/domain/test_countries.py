"""Country names → ISO codes: maintained tables (rigour, CLDR through ICU, pycountry), aliases on top."""

from __future__ import annotations

import icu
import pycountry
import pytest

from tekser.domain.countries import country, country_code, is_known_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Российская Федерация", "RU"),
        ("Кыргызстан", "KG"),
        ("Қазақстан", "KZ"),
        ("Республика Казахстан", "KZ"),
        ("Қазақстан Республикасы", "KZ"),
        ("Киргизия", "KG"),
        ("Ўзбекистон", "UZ"),
        ("روسيا", "RU"),
        ("Bosnia-Herzegovina", "BA"),  # OFAC's spelling, unknown to ISO
        ("Phillipines", "PH"),
    ],
)
def test_names_in_other_languages(text: str, code: str) -> None:
    assert country_code(text) == code


def test_aliases_stay_on_top() -> None:
    assert country_code("Korea, North") == "KP"
    assert country_code("Kosovo") == "XK"
    assert country_code("former Soviet Union") is None  # rigour knows the USSR; not a country code
    assert is_known_country("former Soviet Union")
    assert country_code("NA") == "NA"  # Namibia, not "n/a"
    assert country_code("n/a") is None


def test_not_a_country() -> None:
    assert country_code("Moscow") is None  # rigour's capitals are places, not countries
    assert country_code("Кыргызская") is None
    assert not is_known_country("")
    assert country_code("") is None


@pytest.mark.parametrize("language", ["en", "ru", "kk", "ar"])
def test_every_iso_code_by_its_cldr_name(language: str) -> None:
    locale = icu.Locale(language)
    wrong = {}
    for entry in pycountry.countries:
        name = str(icu.Locale("", entry.alpha_2).getDisplayCountry(locale))
        if country_code(name) != entry.alpha_2:
            wrong[entry.alpha_2] = (name, country_code(name))
    assert not wrong


def test_country_keeps_the_source_text() -> None:
    assert country("  Российская   Федерация ") == country("Российская Федерация")
    found = country("Российская Федерация")
    assert found is not None and found.name == "Российская Федерация" and found.code == "RU"
