"""Paper: the page sizes the print layout is set on, and the type area on each.

The paper of an article is chosen, first to last, by ``--paper`` on the command line,
the front-matter's ``print: {paper: ...}``, the project theme's ``paper`` and A4.
Margins and the body size follow the paper so that a line holds 60-75 characters
on every size (measured figures: docs/typography.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Paper:
    """A trimmed page size and the type area set on it (millimetres, points)."""

    name: str
    width_mm: float
    height_mm: float
    #: Top, outside, bottom, inside margins.
    margins_mm: tuple[float, float, float, float]
    #: Body text size; headings and notes scale with it (``rem`` in print.css).
    body_pt: float
    small: bool = False

    @property
    def size_css(self) -> str:
        return f"{self.width_mm:g}mm {self.height_mm:g}mm"


#: The papers by the names the options accept (case does not matter).
PAPERS: dict[str, Paper] = {p.name.lower(): p for p in (
    Paper("A4", 210, 297, (25, 36, 28, 36), 11.5),
    Paper("A5", 148, 210, (17, 17, 20, 19), 9.5, small=True),
    Paper("B5", 176, 250, (20, 22, 24, 24), 10.5, small=True),
    Paper("Letter", 215.9, 279.4, (24, 39, 26, 39), 11.5),
    Paper("Legal", 215.9, 355.6, (26, 38, 28, 38), 11.5),
    Paper("6x9in", 152.4, 228.6, (18, 18, 21, 21), 9.5, small=True),
)}

#: Booklets: the page a sheet is folded to for each paper, and the sheet (landscape).
BOOKLET_SHEETS: dict[str, tuple[str, str]] = {
    "a4": ("A5", "A4"), "a5": ("A5", "A4"), "letter": ("Half-letter", "Letter"),
}
HALF_LETTER = Paper("Half-letter", 139.7, 215.9, (16, 16, 19, 18), 9.5, small=True)
SHEETS_MM: dict[str, tuple[float, float]] = {"A4": (297, 210), "Letter": (279.4, 215.9)}

DEFAULT_PAPER = "A4"


def paper(name: str) -> Paper:
    """The paper called ``name`` (A4, a4, Letter, 6x9in ...)."""
    try:
        return PAPERS[name.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown paper '{name}'",
                         hint="choose from: " + ", ".join(p.name for p in PAPERS.values())
                         ) from None


def booklet_paper(name: str) -> tuple[Paper, str]:
    """The folded page and the sheet name of a booklet printed for paper ``name``."""
    try:
        page, sheet = BOOKLET_SHEETS[name.strip().lower()]
    except KeyError:
        raise UsageError(f"a booklet cannot be printed for paper '{name}'",
                         hint="booklets are A5 pages on A4 sheets (--paper A4 or A5) or "
                              "half-letter pages on Letter sheets (--paper Letter)") from None
    return (HALF_LETTER if page == "Half-letter" else PAPERS[page.lower()]), sheet


#: The body's line height (print.css ``html { line-height }``), for a long page's margin.
LINE_HEIGHT = 1.42


def page_css(p: Paper) -> str:
    """The ``@page`` rules that set the layout on paper ``p`` (appended to print.css)."""
    top, outside, bottom, inside = p.margins_mm
    rules = [f"@page {{ size: {p.size_css}; margin: {top:g}mm {outside:g}mm {bottom:g}mm "
             f"{inside:g}mm; }}",
             f"@page :left {{ margin-left: {outside:g}mm; margin-right: {inside:g}mm; }}",
             f"@page :right {{ margin-left: {inside:g}mm; margin-right: {outside:g}mm; }}",
             f"html {{ font-size: {p.body_pt:g}pt; }}",
             # A chapter set long (typeset/breaks.py): one line of text more a page.
             f"@page long-pages {{ margin-bottom: {bottom - p.body_pt * LINE_HEIGHT * 25.4 / 72:.1f}mm; }}"]
    if p.small:  # the A4 title page would run onto a second page
        rules.append(".part-title { padding-top: 12mm; } "
                     ".part-title h1.title { font-size: 21pt; margin-bottom: 5mm; } "
                     ".part-title .standfirst p { font-size: 12pt; margin-bottom: 8mm; }")
    return "/* paper: " + p.name + " */\n" + "\n".join(rules) + "\n"
