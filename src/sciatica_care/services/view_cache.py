"""Composed read views remembered until the patient's data changes (issue 12, speed).

A page such as Today or My progress is composed from many reads (the program gate, doses, a
year of diary, questionnaires due, a clinician's changes) and rules over them; the same patient
asks for it again and again between two writes (the page, then the API the player and the
offline app call, a second device, a reload). Each composed view is kept here under the
patient's data revision (``store.models.PatientRevision``): the database gives the patient a new
revision in the same transaction as any write to their data, so a view kept under the revision a
request reads is the view of the data that request sees. The patient's local day and zone are in
the key too, because views count days.

What is kept must not depend on the time of day (only on the local date), must not be changed
by whoever reads it (the views are frozen dataclasses, pydantic models, bytes), and is per
process and per database: nothing leaves memory, and a restart starts empty.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from sciatica_care.services.context import PatientContext
from sciatica_care.store.database import Database

T = TypeVar("T")

DEFAULT_ENTRIES = 2048
"""Enough for a clinic's patients active in one afternoon, a few views each."""


class _Memo:
    """A small least-recently-used map; one lock, never held while a view is built."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.lock = threading.Lock()
        self.views: OrderedDict[Hashable, object] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> tuple[bool, object]:
        with self.lock:
            if key in self.views:
                self.views.move_to_end(key)
                self.hits += 1
                return True, self.views[key]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, view: object) -> None:
        with self.lock:
            self.views[key] = view
            self.views.move_to_end(key)
            while len(self.views) > self.entries:
                self.views.popitem(last=False)


_memos: weakref.WeakKeyDictionary[Database, _Memo] = weakref.WeakKeyDictionary()


def enable(db: Database, entries: int = DEFAULT_ENTRIES) -> None:
    """Keep views for ``db`` (the web app does; 0 entries: keep none)."""
    if entries > 0:
        _memos[db] = _Memo(entries)
    else:
        _memos.pop(db, None)


def remember(ctx: PatientContext, name: str, build: Callable[[], T], *args: Hashable) -> T:
    """``build()``'s view, kept under the patient's revision, local day and zone, the actor,
    ``name`` and ``args``; built again whenever any of them differs."""
    memo = _memos.get(ctx.db)
    if memo is None or ctx.revision is None:
        return build()
    key = (
        name,
        args,
        ctx.patient_id,
        ctx.actor,
        ctx.revision,
        ctx.clock.today(),
        str(ctx.clock.zone),
    )
    found, view = memo.get(key)
    if found:
        return cast(T, view)
    view = build()
    memo.put(key, view)
    return view


def counts(db: Database) -> tuple[int, int]:
    """(hits, misses) so far for ``db``: what the tests and the benchmark read."""
    memo = _memos.get(db)
    return (memo.hits, memo.misses) if memo is not None else (0, 0)
