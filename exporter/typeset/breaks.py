"""Line breaks the engine cannot be told to avoid, found in the laid-out pages.

WeasyPrint has no ``hyphenate-limit-lines`` (at most N hyphenated lines in a row), no
``hyphenate-limit-last`` (no word split across a page turn) and no bound on the word
spacing of a justified line: it breaks lines one at a time, greedily, and stretches the
spaces of a line by whatever is left over. So the layout is inspected, the paragraphs at
fault are marked to be set again, and the pages are laid out once more
(``layout.lay_out``):

- more hyphenated lines in a row than the language allows (``MAX_RUN``), or a
  hyphenated word at the foot of a page: the paragraph is set without automatic hyphenation (class ``no-hyphens``);
- a paragraph whose last line, or any line, holds only the end of a word hyphenated on
  the line before ("repor-" / "ted."): set without automatic hyphenation, the word
  moves whole;
- a justified line whose mean word gap is wider than ``MAX_WORD_GAP``: when the word
  that did not fit could be hyphenated (a name never is, ``span.name``, in any
  language: in Russian too since issue 25, "Арме-нию" was split), the paragraph
  hyphenates wherever a word helps (``hyphenate-eagerly``); otherwise, or if that fails
  or hyphenates too often, it is set flush to its start side (``ragged``), where no
  line is stretched.

- a page with more than one line in ten hyphenated (``MAX_HYPHENATED``; a page of
  fewer than ten lines may have one): the paragraphs with hyphenated lines on it are
  set without automatic hyphenation, those with the most first (a paragraph set ragged
  before one set justified, where no line gets looser for it), until the page is within
  the bound.

- a chapter (``.part-chapter``, which starts on a right-hand page) laid out on an odd
  number of pages, three or more, whose last page holds at most ``SHORT_LAST_PAGE``
  lines: the next chapter would wait a blank page for its recto, so a few lines cost two
  pages. The chapter is set on long pages (``long-pages``: one line more a page, the
  typesetter's way of pulling a chapter back), which ends it a page sooner.
- a chapter that follows a chapter of one page (``opening_after_short``): it opens on
  the next page, left or right (``after-short-chapter``), instead of waiting a blank
  page for a recto, so a one-page chapter costs one page, not two. The front matter
  (title page, contents, ``part-front``) is not a chapter: the body still opens on a
  recto after it. ``chapter_layout._placement`` places chapters laid out apart the same
  way.

Marking changes only an attribute, so the element paths that ``pagination`` records
stay the same. A paragraph's marks only go one way (normal, eager, ragged; hyphenated,
not), so the passes end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Most hyphenated lines in a row: two, as English typography has it. Russian typography
#: allows more (P. Kolomnin, "Kratkie svedeniya po tipografskomu delu": not more than
#: five) and its long words need them: four in the Cyrillic languages.
MAX_RUN = 2
MAX_RUN_BY_LANGUAGE = {"ru": 4, "uk": 4, "be": 4, "bg": 4}
#: The widest mean gap between the words of a justified line, in em of its font size
#: (issue 22). Text set well has 0.2-0.35 em; past 0.6 em a line shows rivers.
MAX_WORD_GAP = 0.6
#: The class that turns automatic hyphenation off (print.css).
NO_HYPHENS = "no-hyphens"
#: The class that hyphenates wherever a word helps fill the line (print.css).
EAGER = "hyphenate-eagerly"
#: The class that sets a paragraph flush to its start side, ragged at the end (print.css).
RAGGED = "ragged"
#: The class that sets a chapter on long pages, one line more each (print.css).
LONG_PAGES = "long-pages"
#: The most hyphenated lines a page may have, as a share of its lines (issue 25: "at
#: most one line in ten hyphenated"); a page of fewer than ten lines may have one.
MAX_HYPHENATED = 0.1
#: Languages whose lines the share leaves out: Russian typography bounds runs of
#: hyphens (``MAX_RUN_BY_LANGUAGE``), not their share, and its long words need them:
#: held to one line in ten, the Russian test article's paragraph lost its hyphens, then
#: its justification (a loose line), and went ragged.
NO_HYPHENATED_SHARE = {"ru", "uk", "be", "bg"}
#: Most lines on a chapter's last page that are worth a page set long to save two.
SHORT_LAST_PAGE = 5
#: The class that lets a chapter open on a left-hand page, after a one-page chapter
#: (print.css: ``break-before: page`` in place of ``recto``).
AFTER_SHORT = "after-short-chapter"
#: WeasyPrint's default hyphenate-character, drawn where it split a word.
_HYPHEN = "\u2010"


def _lines(box) -> Iterator:
    """Line boxes under ``box`` in layout order, margin boxes left out."""
    from weasyprint.formatting_structure import boxes

    stack = [box]
    while stack:
        item = stack.pop()
        if isinstance(item, boxes.MarginBox):
            continue
        if isinstance(item, boxes.LineBox):
            yield item
        elif hasattr(item, "children"):
            stack.extend(reversed(item.children))


def _text_boxes(line, last_first: bool = False) -> Iterator:
    """The text boxes of ``line``, first to last (or last to first)."""
    from weasyprint.formatting_structure import boxes

    stack = [line]
    while stack:
        item = stack.pop()
        if isinstance(item, boxes.TextBox):
            yield item
        elif hasattr(item, "children"):
            stack.extend(item.children if last_first else reversed(item.children))


def _last_text(line) -> str:
    """The text of the last text box on ``line`` (where a hyphen would be drawn)."""
    box = next(_text_boxes(line, last_first=True), None)
    return box.text if box is not None else ""


def _space_width(style, cache: dict) -> float:
    """The width (CSS px) of a space in the font of ``style``, as Pango sets it."""
    from weasyprint.text.line_break import Layout, line_size

    key = (tuple(style["font_family"]), style["font_size"], style["font_weight"],
           style["font_style"], style["font_stretch"], style["lang"])
    if key not in cache:
        layout = Layout(style)
        layout.set_text(" ")
        first, _ = layout.get_first_line()
        cache[key] = line_size(first, style)[0]
        layout.deactivate()
    return cache[key]


def word_gap(line, cache: dict) -> float:
    """The mean gap between the words of ``line`` in em of its font size, when
    justification stretched it (0 when it did not)."""
    stretch = next((box.justification_spacing for box in _text_boxes(line)
                    if box.justification_spacing), 0.0)
    if not stretch:
        return 0.0
    style = line.style
    return (_space_width(style, cache) + style["word_spacing"] + stretch) / style["font_size"]


def _is_name(box) -> bool:
    """Whether text ``box`` is (in) a name: ``span.name`` (html.py), never hyphenated."""
    element = getattr(box, "element", None)
    return element is not None and "name" in (element.get("class") or "").split()


def _line_text(line) -> str:
    return "".join(box.text for box in _text_boxes(line))


def _hyphenable(line) -> bool:
    """Whether the first word of ``line`` has a place to hyphenate it (in the patterns
    of its language, within its ``hyphenate-limit-chars``); a name has none."""
    import pyphen

    box = next(_text_boxes(line), None)
    if box is None or _is_name(box):
        return False
    word = re.match(r"\s*(\w+)", box.text)
    lang = box.style["lang"] and pyphen.language_fallback(box.style["lang"])
    if word is None or not lang:
        return False
    total, left, right = box.style["hyphenate_limit_chars"]
    return len(word[1]) >= total and bool(
        pyphen.Pyphen(lang=lang, left=left, right=right).positions(word[1]))


def _language(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


def _max_run(lang: str | None) -> int:
    return MAX_RUN_BY_LANGUAGE.get(_language(lang), MAX_RUN)


def faults(document) -> tuple[list, dict]:
    """What breaks as the print style forbids in the laid-out ``document``: the elements
    (xml.etree) with more hyphenated lines in a row than their language allows, a
    hyphenated word across a page turn or a last line that is a word's stub, and those with a justified line looser than
    ``MAX_WORD_GAP`` (element -> whether the word after that line could be hyphenated)."""
    hyphens: dict[int, object] = {}
    loose: dict[int, tuple[object, bool]] = {}
    spaces: dict = {}
    pending = None  # a loose line whose next line decides what may help
    # The two lines before this one (element, hyphenated, line), across page turns:
    # a paragraph that ends on the stub of a hyphenated word ("repor-" / "ted.").
    before: list[tuple] = []

    def stub_ends(previous: list[tuple]) -> None:
        if len(previous) == 2 and previous[0][0] is previous[1][0] is not None \
                and previous[0][1] and len(_line_text(previous[1][2]).split()) == 1:
            hyphens[id(previous[1][0])] = previous[1][0]

    for page in document.pages:
        last = None
        run_element, run = None, 0
        for line in _lines(page._page_box):
            element = line.element
            if before and before[-1][0] is not element:
                stub_ends(before)
            if pending is not None:
                helps = element is pending and _hyphenable(line)
                held = loose.get(id(pending), (pending, False))[1]
                loose[id(pending)] = (pending, held or helps)
                pending = None
            hyphenated = _last_text(line).endswith(_HYPHEN)
            if element is not run_element:
                run_element, run = element, 0
            run = run + 1 if hyphenated else 0
            if element is not None and run > _max_run(line.style["lang"]):
                hyphens[id(element)] = element
            if element is not None and word_gap(line, spaces) > MAX_WORD_GAP:
                pending = element
            last = (line, hyphenated)
            before = (before + [(element, hyphenated, line)])[-2:]
            # Inside a paragraph too: WeasyPrint may leave a hyphenated word's end alone
            # on a line of a ragged paragraph ("for-" / "eign" / "forces Iran ...").
            stub_ends(before)
        if last is not None and last[1] and last[0].element is not None:
            hyphens[id(last[0].element)] = last[0].element
    stub_ends(before)
    if pending is not None:
        loose.setdefault(id(pending), (pending, False))
    return list(hyphens.values()), dict(loose.values())


def hyphenated_too_often(document) -> list:
    """The paragraphs to set without hyphenation so that no page of the laid-out
    ``document`` has more than ``MAX_HYPHENATED`` of its lines hyphenated (see the
    module's docstring)."""
    found: dict[int, object] = {}
    for page in document.pages:
        lines = 0
        by_element: dict[int, list] = {}  # element -> [element, hyphenated lines, ragged]
        for line in _lines(page._page_box):
            if not _line_text(line).strip() or _language(line.style["lang"]) \
                    in NO_HYPHENATED_SHARE:
                continue
            lines += 1
            if line.element is not None and _last_text(line).endswith(_HYPHEN):
                entry = by_element.setdefault(
                    id(line.element),
                    [line.element, 0, line.style["text_align_all"] != "justify"])
                entry[1] += 1
        allowed = int(max(lines, 10) * MAX_HYPHENATED)
        excess = sum(count for _e, count, _r in by_element.values()) - allowed
        for element, count, _ragged in sorted(by_element.values(),
                                              key=lambda e: (not e[2], -e[1])):
            if excess <= 0:
                break
            found[id(element)] = element
            excess -= count
    return list(found.values())


def short_chapters(document) -> list:
    """The chapters (``section.part-chapter``) of the laid-out ``document`` that end on
    a short page after an odd number of pages (see the module's docstring), not yet set
    long."""
    from weasyprint.formatting_structure import boxes

    lines: dict[int, tuple[object, dict[int, int]]] = {}
    for index, page in enumerate(document.pages):
        stack = [(page._page_box, None)]
        while stack:
            box, section = stack.pop()
            if isinstance(box, boxes.MarginBox):
                continue
            element = getattr(box, "element", None)
            if section is None and element is not None and box.element_tag == "section" \
                    and "part-chapter" in (element.get("class") or "").split():
                section = element
            if isinstance(box, boxes.LineBox):
                if section is not None:
                    counts = lines.setdefault(id(section), (section, {}))[1]
                    counts[index] = counts.get(index, 0) + 1
                continue
            stack.extend((child, section) for child in getattr(box, "children", ()))
    found = []
    for section, counts in lines.values():
        pages = max(counts) - min(counts) + 1
        if pages >= 3 and pages % 2 == 1 and counts[max(counts)] <= SHORT_LAST_PAGE \
                and LONG_PAGES not in (section.get("class") or "").split():
            found.append(section)
    return found


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def opening_after_short(document) -> list:
    """The chapters (``section.part-chapter``) of the laid-out ``document`` that follow
    a chapter laid out on one page and still wait for a recto (see the module's
    docstring). A chapter here is what ``chapter_layout.units_of`` makes one: a
    ``part-chapter`` section with the sections after it that are not chapters, back
    matter or front matter."""
    from weasyprint.formatting_structure import boxes

    pages: dict[int, tuple[object, set[int]]] = {}  # section -> its non-blank pages
    for index, page in enumerate(document.pages):
        if page._page_box.page_type.blank:
            continue
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.MarginBox):
                continue
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) == "section" and element is not None \
                    and "part" in _classes(element):
                pages.setdefault(id(element), (element, set()))[1].add(index)
                continue  # the parts are not nested
            stack.extend(getattr(box, "children", ()))
    found = []
    chapter: tuple[object, set[int]] | None = None  # the chapter before, and its pages
    for element, held in sorted(pages.values(), key=lambda item: min(item[1])):
        classes = _classes(element)
        if "part-chapter" in classes and "part-front" not in classes:
            if chapter is not None and len(chapter[1]) == 1 and AFTER_SHORT not in classes:
                found.append(element)
            chapter = (element, set(held))
        elif "part-appendix" in classes or "part-front" in classes or chapter is None:
            chapter = None
        else:  # a section that is part of the chapter before (units_of)
            chapter[1].update(held)
    return found


_MARKS = {NO_HYPHENS, EAGER, RAGGED}


def _marks(element) -> set[str]:
    return set((element.get("class") or "").split()) & _MARKS


def _marked(element, marks: set[str]) -> bool:
    """Set ``element``'s marks to ``marks``; whether they changed."""
    if _marks(element) == marks:
        return False
    others = [c for c in (element.get("class") or "").split() if c not in _MARKS]
    element.set("class", " ".join(others + sorted(marks)))
    return True


def set_again(document) -> bool:
    """Mark the paragraphs of the laid-out ``document`` whose lines break badly (see the
    module's docstring); whether any mark changed, so the pages must be laid out again."""
    hyphens, loose = faults(document)
    hyphens += [e for e in hyphenated_too_often(document) if all(e is not h for h in hyphens)]
    changed = False
    for element in {id(e): e for e in [*hyphens, *loose]}.values():
        marks = _marks(element)
        new = set(marks)
        if element in hyphens:
            if EAGER in new:  # hyphenating eagerly was too much: ragged hyphenates little
                new = (new - {EAGER}) | {RAGGED}
            else:
                new.add(NO_HYPHENS)
        if element in loose:
            if not marks and element not in hyphens and loose[element]:
                new.add(EAGER)
            else:
                new = (new - {EAGER}) | {RAGGED}
        changed |= _marked(element, new)
    for section in short_chapters(document):
        section.set("class", f"{section.get('class') or ''} {LONG_PAGES}".strip())
        changed = True
    for section in opening_after_short(document):
        section.set("class", f"{section.get('class') or ''} {AFTER_SHORT}".strip())
        changed = True
    return changed
