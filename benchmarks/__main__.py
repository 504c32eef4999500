"""Run every benchmark and print ratios (baseline time / our time) measured in this one run.

A ratio below 1 is expected where the baseline is a deliberately light page (My progress against
/learn): there the absolute time shows the goal (under 100 ms) and the ratio tracks regressions.

``python -m benchmarks load`` (``make bench BENCH=load``) runs only the named ones; the load
benchmark prints its own table first (benchmarks/README.md).
"""

from __future__ import annotations

import sys

from benchmarks import (
    cli_startup,
    clinic_dashboard,
    history_loading,
    load,
    load_mix,
    motion_fps,
    progress_page,
)

BENCHMARKS = {
    "history": history_loading,
    "progress": progress_page,
    "clinic": clinic_dashboard,
    "load": load,
    "mix": load_mix,  # the realistic mix, right after the route-by-route tables
    "cli": cli_startup,
    "motion": motion_fps,
}


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    print("Sciatica Care benchmarks (ratio > 1: ours is faster than the baseline)")
    for name in chosen:
        name, ours, baseline = BENCHMARKS[name].run()
        print(
            f"{name:<48} ours {ours * 1000:8.2f} ms  baseline {baseline * 1000:8.2f} ms  "
            f"ratio {baseline / ours:5.2f}x"
        )


if __name__ == "__main__":
    main()
