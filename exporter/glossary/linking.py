"""Find glossary terms in the body of a pandoc AST and turn occurrences into links.

Text is matched across pandoc's ``Str``/``Space``/``SoftBreak`` tokens, so a term
split over a line break still matches; a match may start or end inside a ``Str``
("(Lachin", "Azerbaijan’s") and that ``Str`` is cut so the link wraps only the name.
Headings, links, code, raw output, images, citations, block quotes and ``Quoted``
inlines are never looked into, nor is a ``Div``/``Span`` with class ``no-glossary``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import panflute as pf

from .model import Glossary, GlossaryEntry
from .report import Occurrence

#: Characters that continue a word: a name must not start or end next to one, so
#: "Armenia" does not match inside "Armenian" and "Karabakh" not inside "Nagorno-Karabakh".
_WORD = r"[\w\-\u2010\u2011]"
_SPACE_TOKENS = (pf.Space, pf.SoftBreak, pf.LineBreak)
_SKIP = (pf.Header, pf.CodeBlock, pf.RawBlock, pf.BlockQuote, pf.Link, pf.Code,
         pf.RawInline, pf.Quoted, pf.Image, pf.Cite, pf.Math)
#: Classes of Div/Span whose content is left alone (the appendix itself, opt-outs).
SKIP_CLASSES = frozenset({"glossary", "no-glossary"})
_SENTENCE_END = ".!?\u2026"
_TRANSPARENT = "\"'()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb"


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).replace("'", "\u2019")


def _is_common_noun(name: str) -> bool:
    """Lower-case first letter: a common noun, which may be capitalised at a sentence start."""
    return name[:1].islower()


def _pattern(name: str) -> str:
    words = (re.escape(w).replace("\u2019", "['\u2019]") for w in name.split(" "))
    return r"\s+".join(words)


class Matcher:
    """One regular expression for every name of every entry, longest name first.

    In a language whose words inflect (``forms.Forms``), each name is also found in its
    inflected forms, case folded; an entry with ``match: exact`` only as written. Its
    ``forms:`` are further spellings, found as written.
    """

    def __init__(self, glossary: Glossary, lang: str = "en") -> None:
        from .forms import Forms

        self.forms = Forms(lang)
        #: Group name -> (entry, allowed only at a sentence start, the name's words when
        #: the group admits inflected forms).
        self.variants: dict[str, tuple[GlossaryEntry, bool, tuple[str, ...] | None]] = {}
        patterns: list[tuple[str, str, str]] = []  # (name, group, pattern)
        exact: dict[str, tuple[GlossaryEntry, bool]] = {}
        inflected: dict[str, GlossaryEntry] = {}
        for entry in glossary:
            inflects = self.forms.inflects and getattr(entry, "match", "inflected") != "exact"
            for name in entry.names:
                if inflects:
                    inflected.setdefault(_normalise(name), entry)
                else:
                    exact.setdefault(_normalise(name), (entry, False))
            for form in getattr(entry, "forms", ()):
                exact.setdefault(_normalise(form), (entry, False))
        for text, (entry, _) in list(exact.items()):
            if _is_common_noun(text):
                exact.setdefault(text[0].upper() + text[1:], (entry, True))
        for i, (text, (entry, needs_start)) in enumerate(exact.items()):
            self.variants[f"x{i}"] = (entry, needs_start, None)
            patterns.append((text, f"x{i}", _pattern(text)))
        from .forms import CASE_KEPT

        capitals = [(text[0].upper() + text[1:], entry, True) for text, entry in inflected.items()
                    if self.forms.code in CASE_KEPT and _is_common_noun(text)]
        for i, (text, entry, needs_start) in enumerate(
                [(t, e, False) for t, e in inflected.items()] + capitals):
            words = tuple(text.split(" "))
            self.variants[f"f{i}"] = (entry, needs_start, words)
            patterns.append((text, f"f{i}",
                             r"\s+".join(self.forms.word_pattern(w) for w in words)))
        # Longest first, so "Lachin Corridor" wins over "Lachin" at the same position.
        # The names written as they are found share one trie (below): an alternation of
        # n names costs n tries at every position of the text, so n names over a text
        # that grows with them cost n²; the trie costs the length of the longest name.
        # (In a language whose words inflect, the names found in their forms are
        # patterns, not text: there the names stay one alternation, longest first.)
        if any(not g.startswith("x") for _, g, _ in patterns):
            patterns.sort(key=lambda p: (-len(p[0]), p[0], p[1]))
            alternatives = [f"(?:{p})(?P<{g}>)" for _, g, p in patterns]
        else:
            alternatives = [_trie_pattern([(t, g) for t, g, _ in patterns])] if patterns else []
        self.regex = (
            re.compile(rf"(?<!{_WORD})(?:{'|'.join(alternatives)})(?!{_WORD})")
            if alternatives else None
        )

    def find(self, text: str) -> list[tuple[int, int, GlossaryEntry]]:
        """Non-overlapping matches in ``text``, leftmost first."""
        found: list[tuple[int, int, GlossaryEntry]] = []
        if self.regex is None:
            return found
        pos = 0
        while (m := self.regex.search(text, pos)) is not None:
            if m.end() == m.start():  # an empty match names nothing: never loop on it
                pos = m.start() + 1
                continue
            entry, needs_start, words = self.variants[m.lastgroup]
            if needs_start and not _at_sentence_start(text, m.start()):
                pos = m.start() + 1
                continue
            if words is not None and not all(
                    self.forms.same(a, b) for a, b in zip(words, m.group().split())):
                pos = m.start() + 1  # an inflection of another word: look on
                continue
            found.append((m.start(), m.end(), entry))
            pos = m.end()
        return found


def _trie_pattern(names: list[tuple[str, str]]) -> str:
    """One regular expression that matches any of ``names`` (text, group) as
    ``_pattern`` would, built as a trie: shared beginnings are written once, longer
    continuations are tried before a shorter name ends, and each name ends in an empty
    group of its own (``lastgroup`` says which name matched)."""
    trie: dict = {}
    for text, group in names:
        node = trie
        for char in text:
            node = node.setdefault(char, {})
        node.setdefault("", group)  # the first group given for a text keeps it

    def char_pattern(char: str) -> str:
        if char == " ":
            return r"\s+"
        if char == "\u2019":
            return "['\u2019]"
        return re.escape(char)

    done: dict[int, str] = {}  # node -> its pattern, children before parents
    stack: list[tuple[dict, bool]] = [(trie, False)]
    while stack:  # iterative: a name may be long
        node, children_done = stack.pop()
        kids = sorted(((c, n) for c, n in node.items() if c != ""), key=lambda kid: kid[0])
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for _, child in kids)
            continue
        branches = [char_pattern(c) + done.pop(id(child)) for c, child in kids]
        if "" in node:
            branches.append(f"(?P<{node['']}>)")
        done[id(node)] = branches[0] if len(branches) == 1 \
            else "(?:" + "|".join(branches) + ")"
    return done[id(trie)]


def _at_sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip().rstrip(_TRANSPARENT).rstrip()
    return not before or before[-1] in _SENTENCE_END


@dataclass(frozen=True)
class Hit:
    """One occurrence of an entry in the body, and which entry it is."""

    entry: GlossaryEntry
    occurrence: Occurrence
    #: Title of the chapter it is in (a collection's chapters), else None.
    chapter: str | None = None


#: Classes of the top-level ``Div``s that hold a collection's chapters and introduction:
#: each is a scope of its own (its title in ``Hit.chapter``).
SCOPE_CLASSES = frozenset({"chapter", "introduction"})


class Linker:
    """Walks the body in reading order, recording every occurrence and linking per mode."""

    def __init__(self, matcher: Matcher, mode: str) -> None:
        self.matcher = matcher
        self.mode = mode
        self.hits: list[Hit] = []
        self._linked: Counter[str] = Counter()
        #: Slugs linked in the current scope: the document, or a collection's chapter
        #: (each chapter links the first use of a term again, for the chapter's reader).
        self._here: set[str] = set()
        self._chapter: str | None = None
        self._paragraph = 0
        self._section: tuple[str, str] | None = None

    def run(self, doc: pf.Doc) -> list[Hit]:
        for number, block in enumerate(doc.content, 1):
            self._paragraph = number
            if isinstance(block, pf.Div) and SCOPE_CLASSES & set(block.classes):
                self._here = set()
                self._chapter = block.attributes.get("title")
            self._visit(block)
        return self.hits

    def _visit(self, elem: pf.Element) -> None:
        if isinstance(elem, pf.Header):
            self._section = (pf.stringify(elem), elem.identifier)
            return
        if isinstance(elem, _SKIP):
            return
        if isinstance(elem, (pf.Div, pf.Span)) and SKIP_CLASSES & set(elem.classes):
            return
        children = elem._children
        if isinstance(elem, pf.Table):
            children = ["caption", "head", "content", "foot"]  # reading order
        elif isinstance(elem, pf.Caption):
            children = ["content"]  # not the short caption (lists of tables and figures)
        for name in children:
            child = getattr(elem, name)
            if isinstance(child, pf.ListContainer):
                if child.oktypes is pf.Inline:
                    old = list(child)
                    new = self._inlines(old)
                    # Setting a container re-checks and re-parents every item: only on change.
                    if len(new) != len(old) or any(a is not b for a, b in zip(new, old)):
                        setattr(elem, name, new)
                else:
                    for item in list(child):
                        self._visit(item)
            elif isinstance(child, pf.Element):
                self._visit(child)

    def _inlines(self, items: list[pf.Inline]) -> list[pf.Inline]:
        """The inline list with occurrences linked; nested containers visited in order."""
        out: list[pf.Inline] = []
        run: list[pf.Inline] = []
        for item in items:
            if isinstance(item, (pf.Str, *_SPACE_TOKENS)):
                run.append(item)
                continue
            out.extend(self._run(run))
            run = []
            self._visit(item)
            out.append(item)
        out.extend(self._run(run))
        return out

    def _run(self, tokens: list[pf.Inline]) -> list[pf.Inline]:
        """Link matches in a run of Str and space tokens (nothing else in between)."""
        if not tokens:
            return []
        spans: list[tuple[pf.Inline, int, int]] = []
        parts: list[str] = []
        pos = 0
        for tok in tokens:
            text = tok.text if isinstance(tok, pf.Str) else " "
            spans.append((tok, pos, pos + len(text)))
            parts.append(text)
            pos += len(text)
        text = "".join(parts)
        matches = self.matcher.find(text)
        if not matches:
            return tokens

        def match_at(offset: int) -> int | None:
            for k, (start, end, _) in enumerate(matches):
                if start <= offset < end:
                    return k
            return None

        pieces: list[tuple[pf.Inline, int | None]] = []
        for tok, start, end in spans:
            if not isinstance(tok, pf.Str):
                pieces.append((tok, match_at(start)))
                continue
            cuts = sorted({start, end, *(b for s, e, _ in matches for b in (s, e)
                                         if start < b < end)})
            if len(cuts) == 2:
                pieces.append((tok, match_at(start)))
                continue
            for a, b in zip(cuts, cuts[1:]):
                pieces.append((pf.Str(tok.text[a - start:b - start]), match_at(a)))

        out: list[pf.Inline] = []
        i = 0
        while i < len(pieces):
            elem, k = pieces[i]
            if k is None:
                out.append(elem)
                i += 1
                continue
            group = []
            while i < len(pieces) and pieces[i][1] == k:
                group.append(pieces[i][0])
                i += 1
            start, end, entry = matches[k]
            out.extend(self._occurrence(entry, group, text, start, end))
        return out

    def _occurrence(self, entry: GlossaryEntry, inlines: list[pf.Inline],
                    text: str, start: int, end: int) -> list[pf.Inline]:
        link = self.mode == "every" or (self.mode == "first" and entry.slug not in self._here)
        ident = None
        if link:
            self._here.add(entry.slug)
            self._linked[entry.slug] += 1
            ident = f"gref-{entry.slug}-{self._linked[entry.slug]}"
        section, section_id = self._section or (None, None)
        self.hits.append(Hit(entry, Occurrence(
            text=" ".join(text[start:end].split()), id=ident, paragraph=self._paragraph,
            section=section, section_id=section_id, excerpt=_excerpt(text, start, end),
        ), self._chapter))
        if not link:
            return inlines
        return [pf.Link(*inlines, url=f"#gloss-{entry.slug}", identifier=ident,
                        classes=["glossref"])]


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("\u2026" if a else "") + " ".join(text[a:b].split()) + ("\u2026" if b < len(text) else "")
