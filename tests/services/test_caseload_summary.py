"""The caseload summaries behind the clinician dashboard (derived data, design.md "Transactions").

The summary follows every check-in, session and import (which also deletes what it replaces), a
failed refresh loses nothing and heals on the next dashboard read, and the dashboard's rows from
summaries equal the rows computed directly from the raw tables with the domain rules (a few
generated patients in several zones, with summaries made on different days).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sciatica_care.domain import diary
from sciatica_care.domain.body_map import BodyMap, LegZones
from sciatica_care.domain.session import SessionRecord, SessionStatus, StopReason, red_stop
from sciatica_care.services import accounts, caseload, caseload_summary
from sciatica_care.store import caseload_summaries, checkins, exercise_sessions
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import CaseloadSummary, CheckIn, ExerciseSession
from sciatica_care.store.portability import export_patient, import_patient
from tests.services.caseload_story import (
    NOW,
    TODAY,
    _item,
    check_in,
    create_clinician,
    done_session,
    patient,
    red_session,
)


def _summary(db: Database, patient_id: int) -> CaseloadSummary | None:
    with db.session() as session:
        row = session.get(CaseloadSummary, patient_id)
        if row is not None:
            session.expunge(row)
        return row


def _cell(summary: CaseloadSummary, day: date) -> tuple[str, int, int, str]:
    """(check-in?, morning leg-pain sum, mornings, session done?) of one day of the summary."""
    i = (day - summary.covers_from).days
    days = summary.days
    count = caseload_summary.count_in
    return days["n"][i], count(days["l"][i]), count(days["m"][i]), days["s"][i]


def _diary_days(summary: CaseloadSummary) -> set[date]:
    return {
        summary.covers_from + timedelta(days=i) for i, c in enumerate(summary.days["n"]) if c == "1"
    }


def _row(db: Database, clinician_id: int, patient_id: int, now: datetime = NOW) -> Any:
    page = caseload.caseload(db, clinician_id, lambda: now, page_size=caseload.MAX_PAGE_SIZE)
    return next(r for r in page.rows if r.patient_id == patient_id)


@pytest.fixture
def sam(database: Database) -> int:
    return create_clinician(database, "sam@clinic.example", "Sam Lee, PT")


def test_the_summary_follows_a_check_in(database: Database, sam: int) -> None:
    pid = patient(database, "ann@example.org", sam)
    check_in(database, pid, TODAY - timedelta(days=1), leg=4)
    check_in(database, pid, TODAY, leg=6, moment=NOW - timedelta(hours=1))

    row = _summary(database, pid)

    assert row is not None and not row.stale and row.timezone == "Europe/London"
    assert _cell(row, TODAY) == ("1", 6, 1, "0")
    assert _cell(row, TODAY - timedelta(days=1)) == ("1", 4, 1, "0")
    assert _diary_days(row) == {TODAY, TODAY - timedelta(days=1)}
    assert row.last_checkin_day == TODAY and row.last_activity == TODAY


def test_the_summary_follows_sessions_done_and_red(database: Database, sam: int) -> None:
    pid = patient(database, "ann@example.org", sam)
    done_session(database, pid, NOW - timedelta(days=2))
    after_done = _summary(database, pid)
    red_session(database, pid, NOW - timedelta(hours=3))

    row = _summary(database, pid)

    assert after_done is not None and after_done.days["r"] == []
    assert row is not None and not row.stale
    assert _cell(row, TODAY - timedelta(days=2)) == ("0", 0, 0, "1")
    assert [row.covers_from + timedelta(days=r[2]) for r in row.days["r"]] == [TODAY]
    assert row.last_session_at == NOW - timedelta(hours=3)
    assert _row(database, sam, pid).red_sessions_7 == 1


def test_the_summary_follows_an_import_that_replaces_and_deletes_entries(
    database: Database, sam: int
) -> None:
    pid = patient(database, "ann@example.org", sam)
    check_in(database, pid, TODAY - timedelta(days=3), leg=5)
    with database.session() as session:
        document = export_patient(session, pid)
    check_in(database, pid, TODAY - timedelta(days=1), leg=8)
    assert _row(database, sam, pid).leg_recent == 6.5

    with database.session() as session:
        import_patient(session, pid, document)
    caseload_summary.after_import(database, pid, lambda: NOW)

    row = _summary(database, pid)
    assert row is not None and _diary_days(row) == {TODAY - timedelta(days=3)}
    assert _row(database, sam, pid).leg_recent == 5.0


def test_deleting_the_account_deletes_the_summary(database: Database, sam: int) -> None:
    pid = patient(database, "ann@example.org", sam)
    check_in(database, pid, TODAY)
    assert _summary(database, pid) is not None

    accounts.delete_account(database, pid, "correct horse battery")

    assert _summary(database, pid) is None
    assert caseload.caseload(database, sam, lambda: NOW).linked == 0


def test_a_failed_refresh_keeps_the_entry_and_heals_on_the_next_read(
    database: Database, sam: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pid = patient(database, "ann@example.org", sam)
    check_in(database, pid, TODAY - timedelta(days=1), leg=2)

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("database error: OperationalError")

    with monkeypatch.context() as patched:
        patched.setattr(caseload_summaries, "save", broken)
        check_in(database, pid, TODAY, leg=8, moment=NOW - timedelta(hours=1))

    with database.session() as session:
        assert [c.leg_pain for c in checkins.list_for(session, pid)] == [2, 8]
    stale = _summary(database, pid)
    assert stale is not None and stale.stale and TODAY not in _diary_days(stale)
    assert "caseload summary waiting: StoreError" in caplog.text
    assert "ann@example.org" not in caplog.text

    assert _row(database, sam, pid).leg_recent == 5.0
    healed = _summary(database, pid)
    assert healed is not None and not healed.stale and TODAY in _diary_days(healed)


def test_old_data_without_a_summary_is_built_on_the_first_read(
    database: Database, sam: int
) -> None:
    pid = patient(database, "ann@example.org", sam)
    with database.session() as session:
        checkins.save(
            session,
            pid,
            diary.CheckIn(day=TODAY, leg_pain=7, back_pain=1),
            at=NOW - timedelta(hours=2),
        )
    assert _summary(database, pid) is None

    assert _row(database, sam, pid).leg_recent == 7.0
    assert _summary(database, pid) is not None


def test_counts_are_one_character_a_day() -> None:
    encoded = caseload_summary.encode_counts([0, 3, 10, 27, 0])
    assert len(encoded) == 5
    assert caseload_summary.count_in(encoded) == 40
    assert caseload_summary.count_in(encoded[2:4]) == 37


def test_rising_runs_are_the_zone_signal_runs() -> None:
    assert caseload_summary.rising_runs([2, 3, 3, 3]) == [3]
    assert caseload_summary.rising_runs([2, 3, 4, 5]) == [1, 2, 3]
    assert caseload_summary.rising_runs([3, 2, 4, 3]) == [2]
    assert caseload_summary.rising_runs([3, 3, 3]) == []
    rng = random.Random(3)
    for _ in range(200):
        values = [rng.randint(0, 5) for _ in range(rng.randint(0, 12))]
        runs = caseload_summary.rising_runs(values)
        assert max(runs, default=0) == diary._run_length(values, "up")


# --- the dashboard from summaries equals the dashboard from the raw tables ----------------------

ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo")


def _generate(db: Database, pid: int, rng: random.Random, zone: ZoneInfo) -> None:
    """About 40 days of random check-ins (zones, moments, some days twice, gaps) and sessions
    (done, RED, stopped, not final), written through the store as an import would."""
    with db.session() as session:
        for offset in range(40, -1, -1):
            day = TODAY - timedelta(days=offset)
            for n in range(rng.choice((0, 1, 1, 1, 2))):
                moment = rng.choice(("morning", "morning", "other", "after_session"))
                entry = diary.CheckIn(
                    day=day,
                    moment=moment,
                    leg_pain=rng.randint(0, 10),
                    back_pain=rng.randint(0, 10),
                    zones=BodyMap(
                        left=LegZones(pain=rng.randint(0, 5), numbness=rng.randint(0, 2)),
                        right=LegZones(pain=rng.randint(0, 3)),
                    ),
                )
                at = datetime.combine(day, time(7 + 5 * n), tzinfo=zone).astimezone(UTC)
                checkins.save(session, pid, entry, at=at)
            if rng.random() < 0.5:
                red = rng.random() < 0.2
                record = SessionRecord(
                    status=SessionStatus.STOPPED if red else SessionStatus.COMPLETED,
                    stop_reason=StopReason.SPREAD_DOWN_LEG if red else None,
                    elapsed_s=300.0,
                    items=[_item("pelvic-tilt", rng.randint(0, 9), spread=red)],
                    planned_exercises=["pelvic-tilt"],
                )
                started = datetime.combine(day, time(rng.choice((0, 10, 23))), tzinfo=zone)
                exercise_sessions.save(
                    session, pid, record, started.astimezone(UTC), final=rng.random() < 0.85
                )


def _raw_row(db: Database, pid: int, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    """The row's numbers straight from the tables, with the domain rules."""
    today = now.astimezone(zone).date()
    first = today - timedelta(days=caseload.WINDOW_DAYS - 1)
    week = today - timedelta(days=6)
    with db.session() as session:
        rows = sorted(
            session.query(CheckIn).filter(CheckIn.patient_id == pid), key=lambda c: c.recorded_at
        )
        sessions = list(session.query(ExerciseSession).filter(ExerciseSession.patient_id == pid))
        window = [c for c in rows if c.day >= first]
        mornings = [c for c in window if c.entry.get("moment") == "morning"]
        recent = [c.leg_pain for c in mornings if c.day >= week]
        earlier = [c.leg_pain for c in mornings if c.day <= first + timedelta(days=6)]
        entries = [checkins.to_entry(c) for c in window]
        days: list[date] = [e.day for e in diary.daily_entries(entries)]
        run = 0
        for side in ("left", "right"):
            for kind in ("pain", "numbness"):
                signal = diary.zone_signal(entries, side, kind)  # type: ignore[arg-type]
                if signal.trend is diary.ZoneTrend.PERIPHERALISING:
                    run = max(run, signal.days)

        def local(s: ExerciseSession) -> date:
            return s.started_at.astimezone(zone).date()

        done = {
            local(s)
            for s in sessions
            if s.final and any(i.completed for i in s.items) and first <= local(s) <= today
        }
        reds = [
            s
            for s in sessions
            if s.final
            and week <= local(s) <= today
            and red_stop(
                s.stop_reason,
                [(i.pain, i.spread_down_leg, i.new_numbness_or_weakness) for i in s.items],
            )
        ]
        last = [c.day for c in rows] + [local(s) for s in sessions]
    return {
        "leg_recent": sum(recent) / len(recent) if recent else None,
        "leg_earlier": sum(earlier) / len(earlier) if earlier else None,
        "adherence": (len({d for d in done if d >= week}), len(done)),
        "red_sessions_7": len(reds),
        "peripheralising_days": run,
        "run_start": days[-run].isoformat() if run else None,
        "last_activity": max(last, default=None),
    }


def _dashboard_row(row: caseload.CaseloadRow) -> dict[str, Any]:
    periph = [a.key for a in row.alerts if a.kind is caseload.AlertKind.PERIPHERALISING]
    return {
        "leg_recent": row.leg_recent,
        "leg_earlier": row.leg_earlier,
        "adherence": (row.adherence_7.done, row.adherence_28.done),
        "red_sessions_7": row.red_sessions_7,
        "peripheralising_days": row.peripheralising_days,
        "run_start": periph[0].split(":", 1)[1] if periph else None,
        "last_activity": row.last_activity,
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_from_summaries_equal_rows_from_the_raw_tables(
    database: Database, sam: int, seed: int
) -> None:
    rng = random.Random(seed)
    people = []
    for n, name in enumerate(ZONES):
        pid = patient(database, f"p{n}@example.org", sam, zone=name)
        _generate(database, pid, rng, ZoneInfo(name))
        people.append((pid, ZoneInfo(name)))
    # One summary made three days ago (still covering the window), the others built on read.
    caseload_summary.refresh(database, people[0][0], lambda: NOW - timedelta(days=3))

    page = caseload.caseload(database, sam, lambda: NOW)

    rows = {r.patient_id: r for r in page.rows}
    for pid, zone in people:
        expected = _raw_row(database, pid, zone, NOW)
        got = _dashboard_row(rows[pid])
        if expected["peripheralising_days"] < caseload.PERIPHERALISING_ALERT_DAYS:
            expected["run_start"] = None
        assert got == expected, (pid, got, expected)
