"""The one yes / no / not sure answer every safety and suitability question takes.

clinical-spec.md §1: "not sure" counts as "yes" for a red flag; each rule that reads an answer
says how it counts it (``screening.Reply`` is the same three values as an enum).
"""

from __future__ import annotations

from typing import Literal

Answer = Literal["yes", "no", "unsure"]
