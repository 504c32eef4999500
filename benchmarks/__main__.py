"""Run every benchmark and print ratios (baseline time / our time) measured in this one run.

A ratio below 1 is expected where the baseline is a deliberately light page (My progress against
/learn): there the absolute time shows the goal (under 100 ms) and the ratio tracks regressions.
"""

from __future__ import annotations

from benchmarks import clinic_dashboard, history_loading, progress_page


def main() -> None:
    print("Sciatica Care benchmarks (ratio > 1: ours is faster than the baseline)")
    for bench in (history_loading, progress_page, clinic_dashboard):
        name, ours, baseline = bench.run()
        print(
            f"{name:<48} ours {ours * 1000:8.2f} ms  baseline {baseline * 1000:8.2f} ms  "
            f"ratio {baseline / ours:5.2f}x"
        )


if __name__ == "__main__":
    main()
