"""Questionnaire answers are kept with their score and drive what is due next (§3 schedule)."""

from __future__ import annotations

import pytest

from sciatica_care.domain.questionnaires import score_grc, score_nprs, score_sbi
from sciatica_care.store import StoreError, patients, questionnaire_responses
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.store.diary_story import day

SBI = {"leg_pain": 4, "numbness": 3, "weakness": 1, "sitting_pain": 5}


def test_saved_score_reads_back_with_its_answers(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        questionnaire_responses.save(s, pid, score_sbi(SBI), day(1))
        questionnaire_responses.save(s, pid, score_grc(-2), day(15))
    with database.session() as s:
        sbi, grc = questionnaire_responses.list_for(s, pid)
        assert questionnaire_responses.list_for(s, pid, "grc") == [grc]
    assert (sbi.instrument, sbi.score, sbi.answers, sbi.day) == ("sbi", 13.0, SBI, day(1))
    assert (grc.instrument, grc.score) == ("grc", -2.0)


def test_pain_scores_belong_to_the_check_in_not_here(database: Database) -> None:
    with pytest.raises(StoreError, match="nprs"), database.session() as s:
        pid = patients.local_patient_id(s)
        questionnaire_responses.save(s, pid, score_nprs(3, 2), day(1))


def test_due_follows_the_schedule_from_the_program_start(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        assert questionnaire_responses.due(s, pid, day(1)) == ["sbi", "psfs"]
        questionnaire_responses.save(s, pid, score_sbi(SBI), day(1))
        assert questionnaire_responses.due(s, pid, day(2)) == ["psfs"]
        assert questionnaire_responses.due(s, pid, day(8)) == ["sbi", "psfs"]
        assert "grc" in questionnaire_responses.due(s, pid, day(15))
        assert questionnaire_responses.last_done(s, pid) == {"sbi": day(1)}
        other = Patient(email="x@example.org", settings={})
        s.add(other)
        s.flush()
        assert questionnaire_responses.last_done(s, other.id) == {}
