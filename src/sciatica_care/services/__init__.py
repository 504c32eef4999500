"""The application layer: every use case written once, for every interface (design.md).

The CLI, the web pages, the JSON API and the offline outbox only parse, call a use case here and
render what it returns. A use case:

* takes a ``PatientContext``: the **actor** (the patient, or a clinician later) and the
  **patient's clock** (their own time zone; every "today", next-morning pairing and shown time
  goes through it). "Who may do what to whose data" is decided once, in ``permissions``;
* runs the **program gate** (``gate``) before anything that shows or changes exercise content:
  no screen yet, an emergency lock, an URGENT hold on step-ups, the safety questions after a RED
  stop (clinical-spec.md §1, §4.1, §9);
* owns its **transactions**: what the person recorded is committed first; derived work
  (progression, flags) runs after it in its own transaction, may fail without losing the entry,
  and is caught up on the next read or write (``program.catch_up``).

Arrows point down only: this package imports ``store``, ``domain``, ``content`` and ``reports``;
``store`` never imports it. Errors are ``ServiceError`` subclasses (``errors``), which each
interface turns into its own answer (HTTP status and detail, CLI exit code and one line).
"""
