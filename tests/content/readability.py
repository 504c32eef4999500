"""US school grade of our text (clinical-spec.md §7.5: grade 6–8), measured offline with textstat.

textstat 0.7 counts syllables with the CMU dictionary, which nltk downloads on first use. Tests must
not touch the network, so syllables come from pyphen's bundled English hyphenation dictionary
(textstat's own fallback for words the CMU dictionary lacks). It counts a little differently from
CMU; the limit is the same.
"""

from __future__ import annotations

import re

import textstat
from textstat.backend.counts import _count_syllables

MAX_GRADE = 8.0


def _no_cmudict(lang: str) -> None:
    del lang


_count_syllables.get_cmudict = _no_cmudict

_MARKUP = re.compile(r"^(#+|[-*]|\d+\.)\s+")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def grade(text: str) -> float:
    """Flesch–Kincaid grade level of plain text."""
    return float(textstat.flesch_kincaid_grade(text))


def markdown_as_sentences(markdown: str) -> str:
    """Plain text of a page, each heading and list item ended as its own sentence.

    Without this a list of ten short items would read as one long sentence and score far above
    what a reader meets.
    """
    sentences: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            sentences.append(_ended(" ".join(paragraph)))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = _LINK.sub(r"\1", raw.strip()).replace("**", "").replace("`", "")
        if not line:
            close()
        elif _MARKUP.match(line):
            close()
            sentences.append(_ended(_MARKUP.sub("", line)))
        else:
            paragraph.append(line)
    close()
    return " ".join(sentences)


def _ended(sentence: str) -> str:
    return sentence if sentence[-1] in ".?!:" else sentence + "."
