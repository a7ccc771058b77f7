"""Cases: grouped, assigned, closed with a summary, exported with frozen evidence, transmitted signed."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader
from tests.workflow.conftest import World

from tekser.errors import Conflict, Forbidden, InvalidInput
from tekser.exports.signing import verify


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_case_groups_alerts_subjects_and_notes_and_closes_with_a_summary(world: World) -> None:
    ana, sue = world.who["ana"], world.who["sue"]
    case = world.cases.create(ana, "KC 901 Almaty, 1 June")
    world.cases.add_alert(ana, case, world.first_alert, "the passenger on seat 14C")
    with pytest.raises(Conflict, match="already"):
        world.cases.add_alert(ana, case, world.first_alert)
    world.cases.add_subject(ana, case, "NURLANOV ASKAR 1975-03-12", "travelling with a companion")
    world.cases.note(ana, case, "Seat next to 14D, booked in the same PNR.")
    world.cases.assign(ana, case, "sue")
    with pytest.raises(InvalidInput, match="reason"):
        world.cases.close(sue, case, "")
    world.cases.close(sue, case, "Identity confirmed; referred to the border service.")
    view = world.cases.view(sue, case)
    assert (view["status"], view["assignee"], view["summary"]) == (
        "closed",
        "sue",
        "Identity confirmed; referred to the border service.",
    )
    assert [i["kind"] for i in view["items"]] == ["alert", "subject", "note", "assign", "close"]
    assert view["alerts"][0]["evidence_sha256"] == world.screening.alert(world.first_alert).evidence_hash
    with pytest.raises(Conflict, match="closed"):
        world.cases.note(ana, case, "too late")


def test_the_case_file_carries_the_frozen_evidence_in_html_and_pdf(world: World) -> None:
    ana = world.who["ana"]
    world.workflow.review(ana, world.first_alert)
    world.workflow.decide(ana, world.first_alert, "true_match", "passport N01234567 matches the listing")
    case = world.cases.create(ana, "Нұрланов — Қазақстан")
    world.cases.add_alert(ana, case, world.first_alert)
    exported = world.cases.export(world.who["aud"], case)
    alert = world.screening.alert(world.first_alert)
    for text in (exported.html, _pdf_text(exported.pdf)):
        assert alert.evidence_hash in text.replace("\n", "")
        assert "passport N01234567 matches the listing" in text
        assert "Нұрланов — Қазақстан" in text
        assert "NURLANOV" in text
    assert exported.sha256 == hashlib.sha256(exported.pdf).hexdigest()
    assert exported.signature is None  # an export is not a transmission
    # opens offline: no script, no stylesheet, image or link fetched from anywhere
    assert not any(tag in exported.html for tag in ("<script", "<link", "<img", "src=", "href="))
    events = world.audit.events(world.who["aud"], action="case.export")
    assert events[-1]["details"]["sha256"] == exported.sha256


def test_a_transmission_needs_a_second_person_and_is_signed(world: World) -> None:
    ana, sue, sam = world.who["ana"], world.who["sue"], world.who["sam"]
    case = world.cases.create(ana, "Referral")
    with pytest.raises(Conflict, match="nothing to transmit"):
        world.cases.request_transmission(ana, case, "KNB", "referral")
    world.cases.add_alert(ana, case, world.first_alert)
    request = world.cases.request_transmission(sue, case, "National Security Committee", "identity confirmed")
    with pytest.raises(Forbidden, match="second person"):
        world.cases.approve_transmission(sue, request, "my own request")
    with pytest.raises(Forbidden):
        world.cases.approve_transmission(ana, request, "analysts do not approve")
    signed = world.cases.approve_transmission(sam, request, "legal basis checked: Art. 11")
    assert signed.signature and signed.public_key
    assert verify(signed.pdf, signed.signature, signed.public_key)
    assert not verify(signed.pdf + b" ", signed.signature, signed.public_key)
    assert "National Security Committee" in _pdf_text(signed.pdf)
    items = world.cases.view(sue, case)["items"]
    assert [i["kind"] for i in items][-3:] == ["request", "approve", "transmission"]
    assert signed.sha256 in items[-1]["text"]
    with pytest.raises(Conflict, match="already answered"):
        world.cases.reject_transmission(sam, request, "changed my mind")
