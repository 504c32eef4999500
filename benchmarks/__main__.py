"""Run every benchmark and print ratios (baseline time / our time) measured in this one run."""

from __future__ import annotations

from benchmarks import history_loading


def main() -> None:
    print("Sciatica Care benchmarks (ratio > 1: ours is faster than the baseline)")
    for bench in (history_loading,):
        name, ours, baseline = bench.run()
        print(
            f"{name:<48} ours {ours * 1000:8.2f} ms  baseline {baseline * 1000:8.2f} ms  "
            f"ratio {baseline / ours:5.2f}x"
        )


if __name__ == "__main__":
    main()
