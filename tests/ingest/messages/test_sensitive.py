"""Sensitive data (EU PNR Directive Art. 13(4)): counted on receipt, never stored anywhere in the model."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from tests.ingest.messages.helpers import as_json, booking, parse_file

from tekser.ingest.messages import parse_message
from tekser.ingest.messages.sensitive import build_filter, default_filter

# Codes and words of the canary fixture; none may survive parsing.
CANARIES = ("MOML", "AVML", "WCHR", "KOSHER", "OXYGEN", "MEDICAL", "DIABETIC")


@pytest.fixture(scope="module")
def canary(fixtures_dir: Path) -> str:
    return (fixtures_dir / "messages" / "pnrgov-sensitive.edi").read_text()


def test_canary_codes_and_texts_appear_nowhere(canary: str) -> None:
    for word in CANARIES:
        assert word in canary  # the fixture really carries them, in Gr.1, Gr.2 and the history groups
    message = parse_message(canary)
    rendered = as_json(message, without_drop_counts=True) + repr(message.bookings) + repr(message.findings)
    for word in CANARIES:
        assert not re.search(word, rendered, re.IGNORECASE), word
    assert message.sensitive_dropped == {
        "MOML": 1,  # Gr.1
        "AVML": 2,  # Gr.2 and history
        "WCHR": 2,  # Gr.2 and history
        "text:religion": 1,  # Gr.1 OSI "KOSHER"
        "text:health": 3,  # Gr.2 OTHS "OXYGEN", Gr.2 OSI "MEDICAL", history OSI "DIABETIC"
        "text:ssr_code": 1,  # LTS "SSR MOMLTSHK1"
    }


def test_canary_keeps_what_is_not_sensitive(canary: str) -> None:
    message = parse_message(canary)
    pnr = booking(message, "SENS01")
    assert pnr.remarks == ("THIS PASSENGER IS A VIP", "0/A/NM/ZHUMABEK/AIDAR")
    (traveller,) = pnr.travellers
    assert (traveller.surname, traveller.seats) == ("ZHUMABEK", ("3A",))
    assert [(h.action, h.what) for h in pnr.history] == [("A", "name ZHUMABEK/AIDAR")]  # sensitive items dropped whole


def test_sensitive_codes_in_every_group_of_a_real_layout(fixtures_dir: Path) -> None:
    message = parse_file(fixtures_dir / "messages" / "pnrgov-sensitive.edi")
    assert "AVML" not in as_json(message, without_drop_counts=True)


def test_table_is_versioned_and_complete() -> None:
    table = yaml.safe_load(resources.files("tekser.ingest.messages").joinpath("data/sensitive.yml").read_text())
    assert table["version"]
    deny = default_filter()
    assert deny.version == str(table["version"])
    required = "MOML KSML HNML AVML VJML VLML VGML SPML DBML GFML LSML LFML BLML NLML "
    required += "WCHR WCHS WCHC MEDA BLND DEAF DPNA OXYG STCR SVAN ESAN"
    for code in required.split():
        assert deny.ssr_category(code) is not None, code
    assert deny.ssr_category("SEAT") is None
    assert deny.ssr_category("DOCS") is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("PAX NEEDS WHEELCHAIR TO GATE", "text:health"),
        ("pregnant 32 weeks", "text:health"),
        ("HALAL MEAL PLEASE", "text:religion"),
        ("UMRAH GROUP", "text:religion"),
        ("MEMBER OF TRADE UNION DELEGATION", "text:politics"),
        ("14/A/SR/SSR VGMLSQHK1", "text:ssr_code"),
        ("THIS PASSENGER IS A VIP", None),
        ("0/O/NM/ISLAM/MOHAMMED", None),  # a surname is not a religion
        ("CTCE JAIN.PRIYA//EXAMPLE.COM", None),
        ("GN FROM NONE TO ACME TEAM PARTY", None),
    ],
)
def test_free_text_rules(text: str, key: str | None) -> None:
    assert default_filter().text_hit(text) == key


def test_table_without_version_is_refused() -> None:
    with pytest.raises(ValueError, match="no version"):
        build_filter({"ssr": {"meal": ["AVML"]}})


def test_a_custom_table_is_honoured() -> None:
    custom = build_filter({"version": "test", "ssr": {"extra": ["PETC"]}, "free_text": {"pets": ["PARROT"]}})
    text = (
        "UNB+IATA:1+TS+GOV+240301:0600+1'UNH+1+PNRGOV:13:1:IA'MSG+:22'SRC'RCI+TS:ABC123'"
        "SSR+PETC:HK:1:TS'IFT+4:28::TS+TRAVELS WITH A PARROT'TIF+ONE+ALPHA:A:1'UNT+8+1'UNZ+1+1'"
    )
    message = parse_message(text, sensitive=custom)
    assert message.sensitive_dropped == {"PETC": 1, "text:pets": 1}
    assert "PARROT" not in as_json(message)
