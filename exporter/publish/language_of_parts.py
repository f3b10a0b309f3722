"""Text in another language without a language of its own (WCAG 2.1 success criterion
3.1.2, Language of Parts): an accessibility error of ``exporter check``.

A screen reader reads text in the voice of the language in effect there: in an EPUB's
XHTML the nearest ``lang`` (or ``xml:lang``) on the element or above it, which for an
``alt``, ``aria-label`` or ``title`` is the element's own; in a DOCX the run's ``w:lang``
(its style's, the document's default), whose ``w:bidi`` serves right-to-left and
complex-script runs and ``w:eastAsia`` Chinese, Japanese and Korean letters. Text in a
script that language does not use (English alt text in a Persian edition) is read in
the wrong voice, or spelt out.

The rule. The scripts a language uses are ICU's (``icu.Script.getCode``: Persian Arab,
Japanese Kana, Hiragana and Han ...; else the likely script of the tag), a letter's script
ICU's too; letters of the Common and Inherited scripts, digits and punctuation belong to
every language. In one block of text (a paragraph, a heading, a table cell, an item) or
one attribute value, a *run* is a stretch of words (letters between spaces, hyphens and
other marks) none of which is in the script of the language in effect. A run is
language, and reported, when it has at least ``MIN_WORDS`` words of which at least
``MIN_UNCAPITALISED`` do not start with a capital (scripts without case count as not
capitalised): shorter runs, or runs of capitalised words, are taken for names and
abbreviations (Nikol Pashinyan, WDB II) and left alone. What a script does not tell apart
is not found: English text left unmarked in a French edition.

The PDF is not checked: WeasyPrint (70) writes the document's ``/Lang`` only, none on
the structure elements of a part in another language, so every PDF with such a part
(the Persian test article quotes English) would fail until the PDF writer marks them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The fewest words of another script that make a run language rather than a name.
MIN_WORDS = 3
#: ... of which this many at least start with a lower-case letter (or have no case).
MIN_UNCAPITALISED = 2
#: The attributes whose values are read aloud.
READ_ATTRIBUTES = ("alt", "aria-label", "title")
#: XHTML elements inside a block of text: their text belongs to the block around them.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del",
                    "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "ruby", "rt", "s",
                    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
                    "wbr"})
#: ICU's scripts that belong to every language.
_NEUTRAL = frozenset({"Zyyy", "Zinh", "Zzzz"})
#: Scripts Word sets with a run's ``w:eastAsia`` language, and with its ``w:bidi`` one
#: (complex scripts, as Word classes letters; any run marked ``w:rtl`` or ``w:cs`` too).
_EAST_ASIAN = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})
_COMPLEX = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Thai", "Deva", "Beng", "Taml"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@functools.lru_cache(maxsize=256)
def scripts_of(lang: str) -> frozenset[str]:
    """ICU's scripts (short names: Latn, Arab ...) language ``lang`` is written in; empty
    when ICU does not know the language."""
    import icu

    if not lang:
        return frozenset()

    def names(codes) -> set[str]:
        return {(c if isinstance(c, icu.Script) else icu.Script(c)).getShortName()
                for c in codes}

    try:
        found = names(icu.Script.getCode(lang))
    except icu.ICUError:
        found = set()
    if not found:
        likely = icu.Locale.addLikelySubtags(icu.Locale.forLanguageTag(lang)).getScript()
        if likely:
            found = names(icu.Script.getCode(likely))
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """ICU's script of ``char`` (short name), "Zyyy" for what is not a letter."""
    import icu

    if not unicodedata.category(char).startswith("L"):
        return "Zyyy"
    return icu.Script.getScript(char).getShortName()


_WORD = re.compile(r"[^\W\d_]+")


def foreign_runs(pieces: list[tuple[str, str]]) -> list[tuple[str, str, str, int]]:
    """The runs of ``pieces`` (text, language in effect) that are language without a
    language of their own: (text, its script, the language in effect, its words)."""
    whole = "".join(text for text, _lang in pieces)
    found = []
    run: list[tuple[re.Match, int, str, str]] = []  # (word, offset, script, language)

    def close() -> None:
        uncapitalised = sum(not word[0][0].isupper() for word, _o, _s, _l in run)
        if len(run) >= MIN_WORDS and uncapitalised >= MIN_UNCAPITALISED:
            first, offset, script, lang = run[0]
            last, end = run[-1][:2]
            text = " ".join(whole[offset + first.start():end + last.end()].split())
            found.append((text, script, lang, len(run)))
        run.clear()

    offset = 0
    for text, lang in pieces:
        own = scripts_of(lang) if _WORD.search(text) else None
        if own is not None and not own:
            close()  # a language ICU does not know: nothing to tell
        for word in _WORD.finditer(text) if own else ():
            scripts = {script_of(ch) for ch in word[0]} - _NEUTRAL
            if not scripts or scripts & own:
                close()
            else:
                run.append((word, offset, min(scripts), lang))
        offset += len(text)
    close()
    return found


def _script_name(short: str) -> str:
    import icu

    return icu.Script(icu.Script.getCode(short)[0]).getName().replace("_", " ")


def _message(where: str, text: str, script: str, lang: str, count: int) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return (f"accessibility: {where}: {count} words in {_script_name(script)} script have "
            f"no language of their own, so a screen reader reads them as '{lang}': "
            f"\"{shown}\"; mark their language in the source ([...]{{lang=xx}})")


# --- EPUB ----------------------------------------------------------------------------

def _lang(element, inherited: str) -> str:
    return element.get("lang") or element.get(_XML_LANG) or inherited


def _blocks(root, lang: str = ""):
    """(pieces, where): each block of text of an XHTML document (pieces: its text and the
    language in effect for each part), and each read-aloud attribute value."""
    blocks: list[tuple[list[tuple[str, str]], str]] = []

    def visit(element, inherited: str, pieces: list) -> None:
        if not isinstance(element.tag, str):
            return
        name = element.tag.rpartition("}")[2]
        lang = _lang(element, inherited)
        for attribute in READ_ATTRIBUTES:
            if element.get(attribute):
                blocks.append(([(element.get(attribute), lang)], f"{name}/@{attribute}"))
        if name in ("script", "style"):
            return
        if name not in INLINE:
            pieces = []
            blocks.append((pieces, name))
        pieces.append((element.text or "", lang))
        for child in element:
            visit(child, lang, pieces)
            pieces.append((child.tail or "", lang))

    visit(root, lang, [])
    return blocks


def epub_findings(archive) -> list[tuple[str, str]]:
    """(level, message) of an opened EPUB (``zipfile.ZipFile``): text in its XHTML
    documents in a script the language in effect does not use."""
    import posixpath

    import lxml.etree as etree

    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_name = container.find(".//{*}rootfile").get("full-path")
    opf = etree.fromstring(archive.read(opf_name))
    book_lang = (opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") or "").strip()
    folder = posixpath.dirname(opf_name)
    found = []
    for item in opf.iterfind(".//{*}manifest/{*}item"):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        name = posixpath.normpath(posixpath.join(folder, item.get("href")))
        root = etree.fromstring(archive.read(name))
        for pieces, where in _blocks(root, book_lang):
            for run in foreign_runs(pieces):
                found.append(("error", _message(f"{name} ({where})", *run)))
    return found


# --- DOCX ----------------------------------------------------------------------------

_LANG_KINDS = ("val", "bidi", "eastAsia")


def _lang_of(properties) -> dict[str, str]:
    """The ``w:lang`` attributes (val, bidi, eastAsia) of a run's or style's properties."""
    if properties is None:
        return {}
    lang = properties.find(f"{_W}lang")
    if lang is None:
        return {}
    return {kind: lang.get(f"{_W}{kind}") for kind in _LANG_KINDS if lang.get(f"{_W}{kind}")}


def _style_langs(styles) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The document's default languages and each style's own (basedOn followed)."""
    defaults = _lang_of(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr"))
    own, based = {}, {}
    for style in styles.iterfind(f"{_W}style"):
        ident = style.get(f"{_W}styleId")
        own[ident] = _lang_of(style.find(f"{_W}rPr"))
        parent = style.find(f"{_W}basedOn")
        based[ident] = parent.get(f"{_W}val") if parent is not None else None

    def resolved(ident: str | None, depth: int = 0) -> dict[str, str]:
        if ident is None or ident not in own or depth > 20:
            return dict(defaults)
        return {**resolved(based[ident], depth + 1), **own[ident]}

    return defaults, {ident: resolved(ident) for ident in own}


def _on(properties, name: str) -> bool:
    element = properties.find(f"{_W}{name}") if properties is not None else None
    return element is not None and element.get(f"{_W}val", "true") not in ("0", "false",
                                                                         "off")


def docx_findings(document: bytes, styles: bytes) -> list[tuple[str, str]]:
    """(level, message) of a DOCX's document and styles parts: runs of text in a script
    the language Word gives them does not use."""
    import lxml.etree as etree

    defaults, by_style = _style_langs(etree.fromstring(styles))
    found = []
    for number, paragraph in enumerate(etree.fromstring(document).iter(f"{_W}p"), 1):
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        paragraph_langs = by_style.get(style.get(f"{_W}val") if style is not None else
                                       "Normal", defaults)
        pieces = []
        for run in paragraph.iter(f"{_W}r"):
            properties = run.find(f"{_W}rPr")
            run_style = properties.find(f"{_W}rStyle") if properties is not None else None
            langs = {**paragraph_langs,
                     **(by_style.get(run_style.get(f"{_W}val"), {}) if run_style is not None
                        else {}),
                     **_lang_of(properties)}
            complex_script = _on(properties, "rtl") or _on(properties, "cs")
            text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
            for word in re.split(r"(\s+)", text):
                scripts = {script_of(ch) for ch in word} - _NEUTRAL
                kind = ("bidi" if complex_script or scripts & _COMPLEX else
                        "eastAsia" if scripts and scripts <= _EAST_ASIAN else "val")
                pieces.append((word, langs.get(kind, "")))
        for run in foreign_runs(pieces):
            found.append(("error", _message(f"word/document.xml, paragraph {number}", *run)))
    return found
