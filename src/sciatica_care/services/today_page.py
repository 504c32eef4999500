"""Everything the Today page reads, composed once and kept until the patient's data changes.

Today shows the program (``program.view_today``: the gate, the doses, the habit), the
questionnaires due by the clinical-spec.md §3 schedule and the clinician's recent changes. The
page is the one a person opens most, often several times between two writes, so the composed
view is kept under the patient's data revision (``services.view_cache``); it depends on the local
date, never on the time of day (what does, such as "the weekly screen is due", the page works out
from the clock on every request).
"""

from __future__ import annotations

from dataclasses import dataclass

from sciatica_care.services import prescribing, program, view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.store import questionnaire_responses


@dataclass(frozen=True)
class TodayPage:
    """The program view, and with an open program the questionnaires due and the prescription."""

    view: program.ProgramView
    due: frozenset[str] = frozenset()
    prescribed: prescribing.PatientPrescription | None = None


def today_page(ctx: PatientContext) -> TodayPage:
    """Today's composed view for ``ctx``'s patient (kept until their data changes)."""
    return view_cache.remember(ctx, "today-page", lambda: _compose(ctx))


def _compose(ctx: PatientContext) -> TodayPage:
    """The program view and, when the program is open, what else Today shows, all read in the
    view's own transaction (``program.view_today_and``)."""

    def more(
        reads: program.TodayReads,
    ) -> tuple[frozenset[str], prescribing.PatientPrescription]:
        due = questionnaire_responses.due(reads.session, ctx.patient_id, reads.today)
        return frozenset(due), prescribing.recent_changes_in(reads.session, ctx, reads.customs)

    view, extra = program.view_today_and(ctx, more)
    if extra is None or view.gate.latest is None:
        return TodayPage(view)
    return TodayPage(view, *extra)
