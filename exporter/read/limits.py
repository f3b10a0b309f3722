"""Bounds on the work one source can cause: nesting that would make a parser or the
page layout run for minutes (or recurse until it fails) is refused up front, with the
file and line, before pandoc or WeasyPrint sees it.

Pandoc's Markdown reader backtracks over nested brackets and ``<span>``s: 16 nested
``[`` take it 6 seconds, 24 more than a minute, and each level doubles the time. Real
text nests them two or three deep.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from ..errors import SourceError

#: Brackets (``[`` for links, images, spans) or raw ``<span>``s open at once in a block.
MAX_INLINE_NESTING = 8
#: Lists, block quotes, divs and the like inside one another (the page layout recurses
#: per level; at 100 nested lists the text column is a few millimetres wide).
MAX_BLOCK_NESTING = 50
#: Every element, inlines included, from the document down to the deepest one.
MAX_DEPTH = 200
#: Words, spaces and other inlines in one paragraph (about 30,000 words, a hundred
#: pages). The page layout of a single paragraph grows faster than its length: 3.6 MB
#: of ``**[x](#a)**`` on one line would take WeasyPrint many minutes and gigabytes.
MAX_PARAGRAPH_INLINES = 60_000
#: Bytes of Markdown without a blank line, refused before pandoc reads them (reading
#: 3.6 MB on one line took 20 s and 500 MB before the paragraph could be refused).
MAX_BLOCK_BYTES = 512_000
#: Front-matter texts are bounded by ``metadata.MAX_METADATA_TEXT`` and the glossary by
#: ``glossary.model.MAX_DEFINITION`` and ``MAX_ENTRIES``, beside their schemas.

_INLINE = re.compile(r"\\.|\[|\]|<span\b[^>]*>|</span\s*>|\n[ \t]*\n|`+", re.I)
_QUOTES = re.compile(r"^(?:[ \t]{0,3}>)+", re.M)


def check_markdown(body: str, file: Path, first_line: int) -> None:
    """Refuse Markdown nested deeper than the limits, naming the line where it happens."""
    def refuse(what: str, limit: int, pos: int) -> SourceError:
        return SourceError(f"{what} nested more than {limit} deep", file=file,
                           line=first_line + body.count("\n", 0, pos),
                           hint="simplify the nesting; real text needs far fewer levels")

    brackets = spans = 0
    fence = None  # inside a code span: brackets there are text
    block_start = 0
    for match in itertools.chain(_INLINE.finditer(body), [None]):
        if match is None or match.group(0).startswith("\n"):  # a block ends
            end = len(body) if match is None else match.start()
            if end - block_start > MAX_BLOCK_BYTES:
                head = body[block_start:block_start + 1000]
                block_start += len(head) - len(head.lstrip())  # its first written line
                raise SourceError(
                    f"{(end - block_start) / 1e6:.1f} MB of text without a blank line; the "
                    f"limit is {MAX_BLOCK_BYTES / 1e6:.1f} MB", file=file,
                    line=first_line + body.count("\n", 0, block_start),
                    hint="break it into paragraphs with blank lines")
            if match is None:
                break
            block_start = match.end()
        token = match.group(0)
        if token.startswith("`"):
            fence = None if fence == token else (fence or token)
            continue
        if fence or token.startswith("\\"):
            continue
        if token == "[":
            brackets += 1
            if brackets > MAX_INLINE_NESTING:
                raise refuse("brackets ([...])", MAX_INLINE_NESTING, match.start())
        elif token == "]":
            brackets = max(0, brackets - 1)
        elif token[1] == "/":
            spans = max(0, spans - 1)
        elif token.startswith("<"):
            spans += 1
            if spans > MAX_INLINE_NESTING:
                raise refuse("<span> elements", MAX_INLINE_NESTING, match.start())
        else:  # a blank line ends the block, and with it what it left open
            brackets = spans = 0
            fence = None
    for match in _QUOTES.finditer(body):
        if match.group(0).count(">") > MAX_BLOCK_NESTING:
            raise refuse("block quotes", MAX_BLOCK_NESTING, match.start())


#: Blocks that hold other blocks: what "nesting" means to a reader.
_BLOCK_CONTAINERS = ("BlockQuote", "BulletList", "OrderedList", "DefinitionList", "Div",
                     "Table", "Figure", "Note")


def check_depth(ast, body: str, file: Path, first_line: int) -> None:
    """Refuse an AST nested deeper than the limits (walked without recursion)."""
    import panflute as pf

    from ..document import elements, plain_text

    containers = tuple(getattr(pf, name) for name in _BLOCK_CONTAINERS if hasattr(pf, name))
    stack = [(child, 1, 0) for child in ast.content]
    while stack:
        element, depth, blocks = stack.pop()
        if isinstance(element, (pf.Para, pf.Plain)) and \
                len(element.content) > MAX_PARAGRAPH_INLINES:
            # The paragraph starts a line with its first word (after any markup).
            first = next((e.text for e in elements(element) if isinstance(e, pf.Str)), "")
            found = re.search(rf"(?m)^[^\w\n]*{re.escape(first)}", body) if first else None
            pos = found.start() if found else -1
            raise SourceError(
                f"a paragraph of {len(element.content):,} words and spaces; the limit is "
                f"{MAX_PARAGRAPH_INLINES:,}", file=file,
                line=first_line + body.count("\n", 0, pos) if pos >= 0 else None,
                hint="break it into paragraphs with blank lines")
        if isinstance(element, containers):
            blocks += 1
        if depth > MAX_DEPTH or blocks > MAX_BLOCK_NESTING:
            what, limit = (("lists, quotes or divs", MAX_BLOCK_NESTING)
                           if blocks > MAX_BLOCK_NESTING else ("elements", MAX_DEPTH))
            words = next((plain_text(el)[:40] for el in elements(element)
                          if isinstance(el, (pf.Plain, pf.Para, pf.Header))), "")
            pos = body.find(words) if words else -1
            line = first_line + body.count("\n", 0, pos) if pos >= 0 else None
            raise SourceError(f"{what} nested more than {limit} deep", file=file, line=line,
                              hint="simplify the nesting; real text needs far fewer levels")
        for name in element._children:
            child = getattr(element, name)
            if child is None:
                continue
            items = child if isinstance(child, pf.ListContainer) else [child]
            stack.extend((item, depth + 1, blocks) for item in items
                         if isinstance(item, pf.Element))
