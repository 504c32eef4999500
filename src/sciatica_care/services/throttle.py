"""Growing delays for password and code guesses, by account, by client address and by the pair
(issue 12 item 4), instead of a lock-out anyone can trigger.

Every check of a secret (sign-in, recovery code, the current password before a change or a
deletion) first records a provisional failure under three keys, then looks at the failures recorded
*before its own* (by row id, so parallel requests are ordered as if they came one by one and 60
parallel guesses get the same few checks as 60 in a row). Each key allows a few failures free; then
each further one asks for twice the wait of the last, up to a cap, counted from the latest failure:

- the pair (account, client address): 5 free, up to 15 minutes — a person mistyping from home;
- the client address (any account): 20 free, up to 15 minutes — one machine trying many accounts;
- the account (any address): 30 free, up to 1 minute — a distributed guess at one account slows
  to one a minute, while its owner, who is on their own address, is never locked out.

A success clears the pair; a refused attempt leaves no failure behind. Keys are SHA-256 digests:
no e-mail or address is stored.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sciatica_care.store import login_attempts
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    kind: str
    free: int
    cap: timedelta

    def wait_after(self, failures: int) -> timedelta:
        """The wait asked after ``failures`` earlier failures under this key."""
        if failures < self.free:
            return timedelta(0)
        return min(timedelta(seconds=2 ** (failures - self.free + 1)), self.cap)


PAIR = Limit("pair", 5, timedelta(minutes=15))
CLIENT = Limit("client", 20, timedelta(minutes=15))
ACCOUNT = Limit("account", 30, timedelta(minutes=1))


class Throttled(Exception):
    """Too many recent failures under one key: wait ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int, kind: str) -> None:
        super().__init__(f"wait {retry_after_s} s ({kind})")
        self.retry_after_s = retry_after_s
        self.kind = kind


def _key(purpose: str, kind: str, value: str) -> str:
    return hashlib.sha256(f"{purpose}|{kind}|{value}".encode()).hexdigest()


@dataclass
class Attempt:
    """One guarded check of a secret: call ``succeeded()`` or ``failed()`` once it is known."""

    db: Database
    ids: list[int]
    pair_key: str

    def succeeded(self) -> None:
        with self.db.session() as session:
            login_attempts.delete_ids(session, self.ids)
            login_attempts.clear(session, self.pair_key)

    def failed(self) -> None:
        """The failures stay, dated when the check ended: a slow check does not eat the wait."""
        with self.db.session() as session:
            login_attempts.redate(session, self.ids, utcnow())


def begin(db: Database, purpose: str, account: str, client: str | None, now: datetime) -> Attempt:
    """Record the attempt and refuse it (``Throttled``) while a key still asks to wait."""
    client = client or "unknown"
    keys = [
        (_key(purpose, "pair", f"{account}|{client}"), PAIR),
        (_key(purpose, "client", client), CLIENT),
        (_key(purpose, "account", account), ACCOUNT),
    ]
    with db.session() as session:
        login_attempts.purge_before(session, now - WINDOW)
        ids = [login_attempts.record_failure(session, key, now) for key, _ in keys]
    refusal: Throttled | None = None
    with db.session() as session:
        for (key, limit), own in zip(keys, ids, strict=True):
            earlier = login_attempts.failures_before(session, key, own, now - WINDOW)
            wait = limit.wait_after(len(earlier))
            if earlier and now < earlier[-1] + wait:
                left = (earlier[-1] + wait - now).total_seconds()
                refusal = Throttled(max(1, math.ceil(left)), limit.kind)
                login_attempts.delete_ids(session, ids)  # a refused attempt leaves no failure
                break
    if refusal is not None:
        raise refusal
    return Attempt(db, ids, keys[0][0])
