"""Words with positions, grouped the way a reader sees a page.

pdfplumber gives words with their boxes. Words on one baseline make a `Row`; inside a
row, words closer than about half an em make a `Phrase` (a label, a value, a table
cell), so that "1 234,56" or "Purchase Order No." stay one piece while table columns
stay apart. Vertical rules of ruled tables are kept per page as x positions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

PHRASE_GAP_EM = 0.6
ROW_TOLERANCE = 2.5


@dataclass
class Phrase:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    words: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    def overlap(self, x0: float, x1: float) -> float:
        return max(0.0, min(self.x1, x1) - max(self.x0, x0))


@dataclass
class Row:
    phrases: list[Phrase]
    page: int
    index: int = 0
    in_table: bool = False

    @property
    def top(self) -> float:
        return min(p.top for p in self.phrases)

    @property
    def bottom(self) -> float:
        return max(p.bottom for p in self.phrases)

    @property
    def text(self) -> str:
        """The row as text; a gap between phrases becomes two spaces."""
        return "  ".join(p.text for p in self.phrases)

    @property
    def height(self) -> float:
        return max(p.bottom - p.top for p in self.phrases)


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    rows: list[Row]
    vertical_rules: list[tuple[float, float, float]] = field(default_factory=list)
    image_count: int = 0

    @property
    def text(self) -> str:
        return "\n".join(row.text for row in self.rows)


def page_layout(page: Any, number: int) -> PageLayout:
    """Rows and phrases of one pdfplumber page."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, extra_attrs=["size"])
    rows = [
        Row(phrases=_phrases(line, number), page=number)
        for line in _cluster_rows(words)
    ]
    return PageLayout(
        number=number,
        width=float(page.width),
        height=float(page.height),
        rows=rows,
        vertical_rules=_vertical_rules(page),
        image_count=len(page.images),
    )


def _cluster_rows(words: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) <= ROW_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _phrases(words: list[dict], page: int) -> list[Phrase]:
    phrases: list[Phrase] = []
    for word in words:
        size = float(word.get("size") or (word["bottom"] - word["top"]))
        last = phrases[-1] if phrases else None
        if last and word["x0"] - last.x1 <= PHRASE_GAP_EM * max(size, last.size):
            last.text += " " + word["text"]
            last.x1 = float(word["x1"])
            last.words.append((word["text"], float(word["x0"]), last.x1))
            last.bottom = max(last.bottom, float(word["bottom"]))
            continue
        phrases.append(
            Phrase(
                text=word["text"],
                x0=float(word["x0"]),
                x1=float(word["x1"]),
                top=float(word["top"]),
                bottom=float(word["bottom"]),
                size=size,
                page=page,
                words=[(word["text"], float(word["x0"]), float(word["x1"]))],
            )
        )
    return phrases


def _vertical_rules(page: Any) -> list[tuple[float, float, float]]:
    """Vertical lines and rectangle sides as (x, top, bottom)."""
    rules = []
    for edge in page.edges:
        if edge.get("orientation") == "v" and edge["bottom"] - edge["top"] >= 6:
            rules.append((float(edge["x0"]), float(edge["top"]), float(edge["bottom"])))
    return sorted(rules)


def rest_x0(phrase: Phrase, rest: str) -> float:
    """Where the text after a label starts inside its phrase."""
    if not rest:
        return phrase.x1
    index = len(phrase.words) - len(rest.split())
    return phrase.words[index][1] if 0 < index < len(phrase.words) else phrase.x0


def all_rows(pages: list[PageLayout]) -> list[Row]:
    """Every row of the document in reading order, numbered."""
    rows = [row for page in pages for row in page.rows]
    for index, row in enumerate(rows):
        row.index = index
    return rows
