"""Every sentence the progression, diary, questionnaire and therapy rules show follows §7 wording."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings

from sciatica_care.content.exercises import Exercise
from sciatica_care.domain import diary, questionnaires, therapy
from sciatica_care.domain.progression import ProgressionInput, decide
from tests.domain.test_progression import cases

FORBIDDEN = re.compile(r"\b(diagnos\w*|you have|cure\w*|treat\w*|safe for you)\b", re.IGNORECASE)


def assert_plain(text: str) -> None:
    assert not FORBIDDEN.search(text), text


@settings(max_examples=200, deadline=None)
@given(cases())
def test_progression_reasons_avoid_forbidden_words(case: tuple[ProgressionInput, Exercise]) -> None:
    assert_plain(decide(*case).reason)


def test_therapy_texts_avoid_forbidden_words() -> None:
    texts = [*therapy.SAFETY_TEXTS.values(), *therapy.STOP_MESSAGES.values()]
    for kind in therapy.TherapyKind:
        for question in therapy.contraindication_questions(kind):
            texts += [question.text, question.reason]
            answers: dict[str, therapy.Answer] = {
                q.id: "no" for q in therapy.contraindication_questions(kind)
            }
            answers[question.id] = "yes"
            texts.append(therapy.check_contraindications(kind, answers).message)
        timer = therapy.start_timer(kind)
        texts += [timer.prompt, timer.skin_checked(ok=False).prompt]
        done = timer.skin_checked(ok=True).tick(10_000)
        texts += [
            done.prompt,
            done.skin_checked(ok=False).prompt,
            done.skin_checked(ok=True).prompt,
        ]
    for text in texts:
        assert_plain(text)


def test_questionnaire_and_diary_texts_avoid_forbidden_words() -> None:
    texts = [q.instructions for q in questionnaires.questionnaire_set().questionnaires]
    texts += [
        questionnaires.describe_change("nprs", b, a, item="leg").text
        for b in range(11)
        for a in range(11)
    ]
    texts += [
        questionnaires.describe_change("sbi", b, a).text for b in (0, 12, 24) for a in (0, 6, 24)
    ]
    texts += [questionnaires.describe_grc(r).text for r in range(-5, 6)]
    day = dt.date(2025, 3, 1)
    entries = [
        diary.CheckIn(day=day + dt.timedelta(days=n), leg_pain=p, back_pain=1)
        for n, p in enumerate([3, 3, 3, 3, 7, 7])
    ]
    flare = diary.detect_flare(entries, day + dt.timedelta(days=5))
    assert flare is not None
    texts.append(flare.message)
    for text in texts:
        assert_plain(text)
