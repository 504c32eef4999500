"""How long ``sciatica`` takes to start, against ``python -c pass``, measured side by side.

Issue 12 item 8: ``sciatica --help`` and ``sciatica plan`` under 300 ms. Each command runs as its
own process through the console script, the way a person runs it: ``sciatica --help``,
``sciatica plan --help`` and ``sciatica plan`` (today's program of a person who has done the
safety screen, on the embedded SQLite file of a temporary data directory), in rounds, each round
one run of every command and of the yardstick, ``python -c pass`` (the interpreter's own start).
Kept outputs (``cli/kept_output.py``: a help text, or a plan whose data, day and zone are
unchanged) are measured as a person meets them the second time; the rows marked "composed" run
with ``SCIATICA_KEEP_OUTPUT=0``, as the first run after a change does. The figures are medians over the rounds; the ratio is command ÷ ``python -c pass`` from the same
run, so a busy machine slows both. CPU time (user + system of the process) is shown beside the
wall-clock time: on a shared machine it moves less than the wall clock.

Bytecode is cached as in an installed package (a private ``PYTHONPYCACHEPREFIX``, filled by one
warm-up run of each command), whatever ``PYTHONDONTWRITEBYTECODE`` says, and nothing is written
beside the sources.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROUNDS = 9
TARGET_MS = 300
SELF_CARE_ANSWERS = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "screening_answers" / "self_care.json"
)
"""A safety screen with no red flag (clinical-spec.md §8.1), so ``sciatica plan`` shows doses."""


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def sciatica_script() -> str:
    """The console script installed beside this interpreter (the venv's ``sciatica``)."""
    beside = Path(sys.executable).with_name("sciatica")
    found = str(beside) if beside.exists() else shutil.which("sciatica")
    if found is None:
        raise SystemExit("the `sciatica` console script is not installed (make run installs it)")
    return found


def child_env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "SCIATICA_DATA_DIR": str(tmp / "data"), "PYTHONPYCACHEPREFIX": str(tmp)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DATABASE_URL", None)
    env.pop("SCIATICA_DATABASE_URL", None)
    env.setdefault("TZ", "Europe/London")
    return env


def timed(command: list[str], env: dict[str, str]) -> Timing:
    """One run: its wall-clock time and the CPU time the process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def measure(rounds: int = ROUNDS) -> dict[str, list[Timing]]:
    sciatica = sciatica_script()
    composed = {"SCIATICA_KEEP_OUTPUT": "0"}
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], {}),
        "sciatica --help": ([sciatica, "--help"], {}),
        "sciatica plan --help": ([sciatica, "plan", "--help"], {}),
        "sciatica plan": ([sciatica, "plan"], {}),
        "sciatica --help, composed": ([sciatica, "--help"], composed),
        "sciatica plan, composed": ([sciatica, "plan"], composed),
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        env = child_env(Path(tmp_name))
        timed([sciatica, "screen", "--answers", str(SELF_CARE_ANSWERS), "--json"], env)
        for _ in range(2):  # the first plan sets out the doses (a write); the second is kept
            for command, extra in commands.values():
                timed(command, {**env, **extra})
        times: dict[str, list[Timing]] = {label: [] for label in commands}
        for _ in range(rounds):
            for label, (command, extra) in commands.items():
                times[label].append(timed(command, {**env, **extra}))
    return times


def run(rounds: int = ROUNDS) -> tuple[str, float, float]:
    print(
        f"CLI start-up: median of {rounds} rounds, each command in its own process, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
        f"(target: under {TARGET_MS} ms)"
    )
    times = measure(rounds)
    base_wall = statistics.median(t.wall for t in times["python -c pass"])
    base_cpu = statistics.median(t.cpu for t in times["python -c pass"])
    for label, runs in times.items():
        wall = statistics.median(t.wall for t in runs)
        cpu = statistics.median(t.cpu for t in runs)
        print(
            f"  {label:<27} wall {wall * 1000:7.0f} ms ({wall / base_wall:5.1f}x python)   "
            f"cpu {cpu * 1000:7.0f} ms ({cpu / base_cpu:5.1f}x python)"
        )
    plan = statistics.median(t.wall for t in times["sciatica plan"])
    return "sciatica plan (wall), vs python -c pass", plan, base_wall


if __name__ == "__main__":
    run()
