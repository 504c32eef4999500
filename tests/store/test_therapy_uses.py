"""Heat and cold uses are logged and the gap before the next pack is read from them (§5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sciatica_care.domain.therapy import TherapyKind, TherapyUse, check_contraindications
from sciatica_care.store import patients, therapy_uses
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def test_a_cold_pack_blocks_another_until_the_skin_has_rewarmed(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        use = TherapyUse(kind=TherapyKind.COLD, started_at=NOON, duration_s=600)
        therapy_uses.save(s, pid, use, {"skin_ok_after": True})
    with database.session() as s:
        [row] = therapy_uses.list_for(s, pid)
        soon = therapy_uses.gap_check(
            s, pid, TherapyKind.HEAT, (NOON + timedelta(minutes=30)).astimezone(PARIS)
        )
        later = therapy_uses.gap_check(s, pid, TherapyKind.HEAT, NOON + timedelta(minutes=71))
        other = Patient(email="y@example.org", settings={})
        s.add(other)
        s.flush()
        theirs = therapy_uses.gap_check(s, other.id, TherapyKind.HEAT, NOON + timedelta(minutes=30))
    assert (row.kind, row.duration_s, row.detail) == ("cold", 600.0, {"skin_ok_after": True})
    assert not soon.allowed
    assert soon.message == (
        "Please wait until 14:10: your skin needs at least 1 hour between packs to return to normal."
    )
    assert later.allowed and theirs.allowed


def test_contraindication_answers_are_remembered_per_kind(database: Database) -> None:
    answers = {
        "reduced_sensation": "no",
        "poor_circulation": "no",
        "broken_skin": "no",
        "cannot_feel_or_remove": "no",
        "raynauds": "no",
        "cold_urticaria": "no",
        "cryoglobulinaemia": "no",
    }
    advice = check_contraindications(TherapyKind.COLD, answers)
    with database.session() as s:
        pid = patients.local_patient_id(s)
        assert therapy_uses.last_check(s, pid, TherapyKind.COLD) is None
        therapy_uses.remember_check(s, pid, advice, answers, NOON.date())
    with database.session() as s:
        check = therapy_uses.last_check(s, pid, TherapyKind.COLD)
        assert therapy_uses.last_check(s, pid, TherapyKind.HEAT) is None
    assert check == {"day": "2026-11-20", "outcome": "ok", "answers": answers}
