"""Map labels shaped with HarfBuzz, in bidi order, and their glyphs' outlines.

Neither cairosvg nor WeasyPrint's SVG renderer shapes complex scripts: given ``<text>``
in Arabic script they draw the letters unjoined and left to right. So every word on a
map is shaped here, once, and drawn as glyph outlines (``svg.Canvas.label``); the
same shaping measures the label for placement, so the box the placer avoids is the
box that is drawn, in any script.

A line of a label goes through, in order:

1. the Unicode bidi algorithm (python-bidi's implementation of UAX #9) for the
   embedding level of each character, so a Latin name or digits inside a Persian
   label read left to right inside the right-to-left line;
2. runs of one level, one script (fontTools' Unicode data; common and inherited
   characters join their neighbours) and one language;
3. HarfBuzz for each run, in logical order with its direction, script and language,
   the whole line given as context (Arabic joins across a run boundary);
4. the runs put in visual order (rule L2). HarfBuzz already gives an RTL run's glyphs
   left to right.

Positions are in font units (each HarfBuzz font is scaled to its units per em).
A character the face lacks is shaped by the upright face of the same weight when that
has it (DejaVu's obliques have no Arabic), slanted as the oblique is; a character no
face has is reported in ``Shaped.missing`` and its .notdef glyph left out, never drawn
as a box.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

#: Line spacing of multi-line labels, in ems.
LINE_SPACING = 1.2
#: Slant given to the upright face when it stands in for an oblique one (DejaVu's
#: obliques lean about 11 degrees: tan 11 = 0.19).
FALLBACK_SLANT = 0.19
#: Bidi classes that make the bidi algorithm worth running; text without them is one
#: left-to-right level.
_BIDI_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF",
                           "RLI", "LRI", "FSI", "PDI"})
#: Languages whose upper case of i is dotted İ (and of ı, I), as ICU's special casing.
_DOTTED_I = frozenset({"tr", "az"})


@dataclass(frozen=True)
class FaceRef:
    """A font file as drawn: its path and a synthetic slant (0 for the file's own)."""

    path: str
    slant: float = 0.0


@dataclass(frozen=True)
class Glyph:
    """One glyph of a line: its face, id, and origin in font units of the label's face
    (x from the line's left edge, y up from the baseline); ``scale`` turns the face's
    own units into the label's (1 unless the faces' units per em differ); ``cluster``
    is the index in the line of the character it came from."""

    face: FaceRef
    gid: int
    x: float
    y: float
    scale: float = 1.0
    cluster: int = 0


@dataclass(frozen=True)
class Line:
    """A shaped line: glyphs left to right, its advance width, and how far its ink (or
    the face's usual ascender and descender, whichever is more) reaches above and below
    the baseline; all in font units."""

    glyphs: tuple[Glyph, ...]
    width: float
    above: float
    below: float
    rtl: bool = False


@dataclass(frozen=True)
class Shaped:
    """A label shaped: its text (lines split on newlines, logical order), its lines,
    the units per em of its face, and the characters no face could draw."""

    text: str
    lines: tuple[Line, ...]
    upem: int
    missing: tuple[str, ...] = ()
    rtl: bool = False
    #: The text without the characters that cannot be drawn (for ``<text>`` labels).
    drawable_text: str = field(default="")

    def size(self, points: float) -> tuple[float, float, float]:
        """(width, height, descent) of the label's box set at ``points``: the widest
        line's advance; from the first line's top to the last line's bottom; and the
        last baseline's height above the box's bottom."""
        em = points / self.upem
        width = max(line.width for line in self.lines) * em
        height = ((self.lines[0].above + self.lines[-1].below) * em
                  + LINE_SPACING * (len(self.lines) - 1) * points)
        return width, height, self.lines[-1].below * em


@lru_cache(maxsize=32)
def _font(face: FaceRef):
    import uharfbuzz as hb

    font = hb.Font(hb.Face(hb.Blob.from_file_path(face.path)))
    if face.slant:
        font.synthetic_slant = face.slant
    return font


@lru_cache(maxsize=32)
def _upem(path: str) -> int:
    return _font(FaceRef(path)).face.upem


@lru_cache(maxsize=32)
def _cmap(path: str) -> frozenset[int]:
    return frozenset(_font(FaceRef(path)).face.unicodes)


@lru_cache(maxsize=32)
def _band(path: str) -> tuple[float, float]:
    """The face's usual ink above and below the baseline, as the ascender of "l" and
    the descender of "p" draw it (font units): the least a line's box holds, so a
    label of lower-case letters is as tall as one with capitals and descenders."""
    font = _font(FaceRef(path))
    top = bottom = 0.0
    for char, high in (("l", True), ("p", False)):
        gid = font.get_nominal_glyph(ord(char))
        ext = font.get_glyph_extents(gid) if gid else None
        if ext is None:
            continue
        if high:
            top = float(ext.y_bearing)
        else:
            bottom = float(-(ext.y_bearing + ext.height))
    return top, bottom


@dataclass(frozen=True)
class Faces:
    """The face a label is set in and the upright face that stands in for it."""

    main: FaceRef
    fallback: FaceRef | None = None

    @property
    def upem(self) -> int:
        """Units per em of the label's face: positions are given in them."""
        return _upem(self.main.path)

    def covers(self, char: str) -> bool:
        code = ord(char)
        return code in _cmap(self.main.path) or (
            self.fallback is not None and code in _cmap(self.fallback.path))


@lru_cache(maxsize=32)
def faces(family: str, weight: str = "normal", style: str = "normal") -> Faces:
    """The faces of ``family`` for labels in ``weight`` and ``style``."""
    from .fonts import font_file

    main = str(font_file(family, weight, style))
    upright = str(font_file(family, weight, "normal"))
    if upright == main:
        return Faces(FaceRef(main))
    return Faces(FaceRef(main), FaceRef(upright, FALLBACK_SLANT))


# Case.

def upper(text: str, lang: str | None, can_draw) -> str:
    """``text`` in upper case, word by word, where the face can draw every letter of the
    upper-cased word (``can_draw(char)``); other words keep their case (Georgian's
    capitals, Mtavruli, are missing from most fonts, and a label is no place for boxes).

    Upper case follows the language where it is known: Azerbaijani and Turkish i is İ.
    """
    out = []
    for word in re.split(r"(\s+)", text):
        up = _upper(word, lang)
        out.append(up if all(c.isspace() or can_draw(c) for c in up) else word)
    return "".join(out)


def _upper(word: str, lang: str | None) -> str:
    primary = (lang or "").split("-")[0].lower()
    if primary in _DOTTED_I:
        word = word.replace("i", "\u0130")  # ı already becomes I
    return word.upper()


# Bidi and runs.

def _levels(text: str) -> list[int]:
    """The resolved embedding level of each character of one paragraph (UAX #9, P2 to
    I2, and L1 for trailing white space).

    python-bidi's Python implementation gives the steps (its Rust one gives only the
    reordered string, which cannot say which glyph came from which character); it
    predates rule N0, which ``_paired_brackets`` adds: without it "Aghdam (آغدام) 12"
    would put the 12 inside the brackets.
    """
    classes = [unicodedata.bidirectional(c) for c in text]
    if not _BIDI_CLASSES.intersection(classes):
        return [0] * len(text)
    from bidi import algorithm as uba

    base = uba.get_base_level(text)
    storage = uba.get_empty_storage()
    storage["base_level"], storage["base_dir"] = base, "LR"[base]
    uba.get_embedding_levels(text, storage)
    # Rule X9 takes formatting characters (ZWNJ, ZWJ, embeddings) out of the storage;
    # keep every character's record to give them back their place.
    records = list(storage["chars"])
    uba.explicit_embed_and_overrides(storage, False)
    uba.resolve_weak_types(storage, False)
    _paired_brackets(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    kept = {id(r) for r in storage["chars"]}
    levels, previous = [], base
    for record in records:
        # A removed character takes its neighbour's level, so a ZWNJ stays inside the
        # run whose joining it breaks (UAX #9, "Retaining BNs and Explicit Formatting").
        if id(record) in kept:
            previous = record["level"]
        levels.append(previous)
    # L1: white space at the end of a line goes back to the paragraph's level.
    for i in range(len(text) - 1, -1, -1):
        if classes[i] not in ("WS", "FSI", "LRI", "RLI", "PDI", "BN"):
            break
        levels[i] = base
    return levels


def _paired_brackets(storage: dict) -> None:
    """Rule N0 (UAX #9 since Unicode 6.3) on python-bidi's storage, between W7 and N1:
    a pair of brackets takes the direction of the strong text inside it, or of the text
    before it when what is inside runs against the embedding direction.

    Pairs (BD16) are opening and closing punctuation that mirror each other, with
    U+2329/U+232A the same as U+3008/U+3009; EN and AN count as R.
    """
    from bidi.mirror import MIRRORED

    same = {"\u2329": "\u3008", "\u232a": "\u3009"}
    chars = storage["chars"]

    def strong(record) -> str | None:
        kind = record["type"]
        return "L" if kind == "L" else "R" if kind in ("R", "AL", "EN", "AN") else None

    for run in storage["runs"]:
        start, end = run["start"], run["start"] + run["length"]
        stack: list[tuple[str, int]] = []
        pairs = []
        for i in range(start, end):
            record = chars[i]
            if record["type"] != "ON":
                continue
            char = same.get(record["ch"], record["ch"])
            kind = unicodedata.category(char)
            if kind == "Ps" and char in MIRRORED:
                if len(stack) == 63:  # BD16: too deep, stop looking in this run
                    break
                stack.append((same.get(MIRRORED[char], MIRRORED[char]), i))
            elif kind == "Pe":
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth][0] == char:
                        pairs.append((stack[depth][1], i))
                        del stack[depth:]
                        break
        embedding = "LR"[chars[start]["level"] % 2]
        for opening, closing in sorted(pairs):
            inside = {strong(chars[i]) for i in range(opening + 1, closing)} - {None}
            if not inside:
                continue  # N0 d: left to N1 and N2
            if embedding in inside:
                direction = embedding
            else:
                before = next((strong(chars[i]) for i in range(opening - 1, start - 1, -1)
                               if strong(chars[i])), run["sor"])
                direction = before if before != embedding else embedding
            chars[opening]["type"] = chars[closing]["type"] = direction
            # Marks on a bracket follow it (N0, last paragraph).
            for i in (opening, closing):
                j = i + 1
                while j < end and chars[j]["orig"] == "NSM":
                    chars[j]["type"] = direction
                    j += 1


def _scripts(text: str) -> list[str]:
    """ISO 15924 script of each character; common and inherited characters (spaces,
    digits, brackets, marks) take the script of the text before them, or after."""
    from fontTools import unicodedata as ucd

    raw = [ucd.script(c) for c in text]
    out: list[str | None] = []
    current = None
    for script in raw:
        if script not in ("Zyyy", "Zinh", "Zzzz"):
            current = script
        out.append(current)
    following = next((s for s in raw if s not in ("Zyyy", "Zinh", "Zzzz")), "Zyyy")
    return [s or following for s in out]


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    level: int
    script: str
    lang: str | None


def _runs(levels: list[int], scripts: list[str], langs: list[str | None]) -> list[_Run]:
    runs: list[_Run] = []
    start = 0
    for i in range(1, len(levels) + 1):
        if i == len(levels) or (levels[i], scripts[i], langs[i]) != (
                levels[start], scripts[start], langs[start]):
            runs.append(_Run(start, i, levels[start], scripts[start], langs[start]))
            start = i
    return runs


def _visual(runs: list[_Run]) -> list[_Run]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every
    sequence of runs at that level or above."""
    order = list(runs)
    odd = [r.level for r in runs if r.level % 2]
    if not odd:
        return order
    for level in range(max(r.level for r in runs), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if order[i].level >= level:
                j = i
                while j < len(order) and order[j].level >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


# Shaping.

def _face_for(run_text: str, chosen: Faces) -> FaceRef:
    """The face for a run: the label's own when it has every character, else the
    upright stand-in when that has them all (or has more)."""
    main = _cmap(chosen.main.path)
    need = [ord(c) for c in run_text if not _ignorable(c)]
    if chosen.fallback is None or all(c in main for c in need):
        return chosen.main
    other = _cmap(chosen.fallback.path)
    if sum(c in other for c in need) > sum(c in main for c in need):
        return chosen.fallback
    return chosen.main


def _ignorable(char: str) -> bool:
    """Default ignorables (ZWNJ, ZWJ, bidi controls...): HarfBuzz hides them itself."""
    return unicodedata.category(char) == "Cf"


def shape_line(text: str, langs: list[str | None], chosen: Faces,
               missing: list[str]) -> Line:
    """One line shaped and ordered left to right; characters no face has are added to
    ``missing`` and their glyphs left out."""
    import uharfbuzz as hb

    upem = _upem(chosen.main.path)
    top, bottom = _band(chosen.main.path)
    if not text:
        return Line((), 0.0, top, bottom)
    levels = _levels(text)
    runs = _runs(levels, _scripts(text), langs)
    codepoints = [ord(c) for c in text]
    glyphs: list[Glyph] = []
    pen = 0.0
    for run in _visual(runs):
        face = _face_for(text[run.start:run.end], chosen)
        font = _font(face)
        scale = upem / _upem(face.path)
        buf = hb.Buffer()
        # The whole line as context: joining and marks see across the run's ends.
        buf.add_codepoints(codepoints, run.start, run.end - run.start)
        buf.direction = "rtl" if run.level % 2 else "ltr"
        buf.script = run.script
        if run.lang:  # unset, HarfBuzz would not guess: the process's locale is no input
            buf.language = run.lang
        hb.shape(font, buf, {})
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
            if info.codepoint == 0:  # .notdef: name the character, draw nothing
                char = text[info.cluster]
                if char not in missing:
                    missing.append(char)
                continue
            x, y = pen + pos.x_offset * scale, pos.y_offset * scale
            glyphs.append(Glyph(face, info.codepoint, x, y, scale, info.cluster))
            ext = font.get_glyph_extents(info.codepoint)
            if ext is not None and ext.height:
                top = max(top, y + ext.y_bearing * scale)
                bottom = max(bottom, -(y + (ext.y_bearing + ext.height) * scale))
            pen += pos.x_advance * scale
    return Line(tuple(glyphs), pen, top, bottom, _base_rtl(text))


def _base_rtl(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def shape(text: str, family: str, weight: str = "normal", style: str = "normal",
          langs: list[str | None] | None = None) -> Shaped:
    """``text`` (lines split on newlines) shaped in ``family``; ``langs`` gives the
    language of each character (BCP 47 tags, None where unknown)."""
    return _shape_cached(text, family, weight, style,
                         tuple(langs) if langs is not None else (None,) * len(text))


@lru_cache(maxsize=4096)
def _shape_cached(text: str, family: str, weight: str, style: str,
                  langs: tuple[str | None, ...]) -> Shaped:
    chosen = faces(family, weight, style)
    missing: list[str] = []
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append(shape_line(line, list(langs[start:start + len(line)]), chosen, missing))
        start += len(line) + 1
    gone = set(missing)
    return Shaped(text, tuple(lines), _upem(chosen.main.path), tuple(missing),
                  rtl=_base_rtl(text), drawable_text="".join(c for c in text if c not in gone))


# Outlines.

class _PathPen:
    """A fontTools-style pen writing compact SVG path data in font units, y up.

    Points are rounded to whole font units (1/2048 em in DejaVu: a thousandth of a
    millimetre on a 9 pt label) and written relative to the previous point, rounded
    first so that errors never add up: the outlines are most of a map's SVG.
    """

    def __init__(self, scale: float = 1.0):
        self.parts: list[str] = []
        self.at = self.start = (0, 0)
        self.scale = scale

    def _rel(self, point) -> tuple[int, int]:
        return (round(point[0] * self.scale) - self.at[0],
                round(point[1] * self.scale) - self.at[1])

    def _go(self, point) -> None:
        self.at = (round(point[0] * self.scale), round(point[1] * self.scale))

    def moveTo(self, p):  # noqa: N802 (the pen protocol's names)
        dx, dy = self._rel(p)
        self.parts.append(f"m{_pair(dx, dy)}")
        self._go(p)
        self.start = self.at

    def lineTo(self, p):  # noqa: N802
        dx, dy = self._rel(p)
        self.parts.append(f"h{dx}" if dy == 0 else f"v{dy}" if dx == 0 else f"l{_pair(dx, dy)}")
        self._go(p)

    def qCurveTo(self, *points):  # noqa: N802
        # Several off-curve points imply on-curve ones half-way between them.
        *offs, end = points
        for i, off in enumerate(offs):
            to = end if i == len(offs) - 1 else (
                (off[0] + offs[i + 1][0]) / 2, (off[1] + offs[i + 1][1]) / 2)
            c, e = self._rel(off), self._rel(to)
            self.parts.append(f"q{_pair(*c)}{_sep(e[0])}{_pair(*e)}")
            self._go(to)

    def curveTo(self, *points):  # noqa: N802
        rel = [self._rel(p) for p in points]
        text = "c" + _pair(*rel[0])
        for pair in rel[1:]:
            text += _sep(pair[0]) + _pair(*pair)
        self.parts.append(text)
        self._go(points[-1])

    def closePath(self):  # noqa: N802
        self.parts.append("z")
        self.at = self.start  # "z" goes back to where the outline began

    def endPath(self):  # noqa: N802
        pass


def _sep(value: int) -> str:
    """The separator before a number: none where its minus sign separates it."""
    return "" if value < 0 else " "


def _pair(x: int, y: int) -> str:
    return f"{x}{_sep(y)}{y}"


@lru_cache(maxsize=None)
def glyph_path(face: FaceRef, gid: int, scale: float = 1.0) -> str:
    """SVG path data of a glyph's outline in font units (times ``scale``), y up, from
    the origin: the first move is absolute, the rest relative. Cached per face and id."""
    pen = _PathPen(scale)
    _font(face).draw_glyph_with_pen(gid, pen)
    return "".join(pen.parts)
