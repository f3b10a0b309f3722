"""Pandoc's reading of another tool's document, tidied into what an author would write.

Works on pandoc's JSON AST. Word, LibreOffice and Google Docs leave styling everywhere
(spans with classes, bookmarks, sizes in inches): it goes, unless it carries meaning (a
language, a link's target). Pictures are written into the source folder under names
made of their content (the same picture is one file, whatever the document called it).
Caption paragraphs become the captions of their figures and tables. What cannot be
carried (raw TeX, OpenXML, pictures in formats the editions cannot show) is reported.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from .findings import Finding, quoted


class _Splice(list):
    """Nodes that take the place of one node in its list."""


class _Gone(_Splice):
    """An inline removed with the space before it."""


#: Picture formats the editions show, by their first bytes -> the file's extension.
_PICTURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"),
             (b"RIFF", "webp"))


def plain(node) -> str:
    """The text of pandoc inlines or metadata (no markup)."""
    if isinstance(node, list):
        return "".join(plain(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind in ("Str", "MetaString"):
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return content[1]
    if kind == "Quoted":
        return ("“%s”" if content[0]["t"] == "DoubleQuote" else "‘%s’") % plain(content[1])
    if kind in ("Note", "RawInline"):
        return ""
    if kind in ("Span", "Link", "Image"):
        return plain(content[1])
    if kind == "Cite":
        return plain(content[1])
    return plain(content) if isinstance(content, list) else ""


def _extension(data: bytes) -> str | None:
    for magic, extension in _PICTURES:
        if data.startswith(magic) and (extension != "webp" or data[8:12] == b"WEBP"):
            return extension
    head = data[:1000].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "svg"
    return None


class Tidy:
    """One document's tidying: ``resolve`` gives a picture's bytes by the name pandoc
    has for it (None when the document does not hold it)."""

    def __init__(self, resolve: Callable[[str], bytes | None], images: Path, relative: str,
                 captions: list[str] | None = None) -> None:
        self.resolve, self.images, self.relative = resolve, images, relative
        self.captions = {" ".join(c.split()) for c in captions or ()}
        self.findings: list[Finding] = []
        self.written: dict[str, Path] = {}
        self.targets: set[str] = set()
        self.pictures = 0
        self.tables_headed = 0
        #: Links, anchors and appendices the exporter added to its own edition.
        self.own_additions = 0
        self._pictures_placed: list[tuple[str, dict]] = []

    def blocks(self, blocks: list) -> list:
        """``blocks`` tidied."""
        self.targets = set(_link_targets(blocks))
        blocks = self._list(self._without_appendices(blocks))
        if self.captions:
            blocks = self._captions(blocks)
        for where, image in self._pictures_placed:
            if not plain(image["c"][1]).strip():
                self.findings.append(Finding(where, "has no description (alt text): write "
                                                    "one between the brackets"))
        return blocks

    def _without_appendices(self, blocks: list) -> list:
        """The exporter's own edition: its glossary, map and corrections sections are
        made again by the build, from glossary.yml and the front-matter."""
        out, skipping = [], None
        for block in blocks:
            if block.get("t") == "Header":
                level, ident = block["c"][0], block["c"][1][0]
                if skipping is not None and level <= skipping:
                    skipping = None
                if ident in _APPENDICES and skipping is None:
                    skipping = level
                    self.own_additions += 1
            if skipping is None:
                out.append(block)
        return out

    # -- walking ----------------------------------------------------------------------

    def _list(self, items: list) -> list:
        out: list = []
        for item in items:
            done = self._node(item)
            if isinstance(done, _Gone) and out and isinstance(out[-1], dict) \
                    and out[-1].get("t") == "Space":
                out.pop()
            if isinstance(done, _Splice):
                out.extend(done)
            else:
                out.append(done)
        return out

    def _node(self, node):
        if isinstance(node, list):
            return self._list(node)
        if not isinstance(node, dict) or "t" not in node:
            return node
        if node["t"] == "Image":
            return self._image(node)
        if "c" in node:
            node = {"t": node["t"], "c": self._node(node["c"])}
        handler = getattr(self, "_" + node["t"].lower(), None)
        return handler(node) if handler else node

    # -- what is tidied -----------------------------------------------------------------

    def _attr(self, attr: list, keep_id: bool = False) -> list:
        """An element's attributes with only what means something: a language and a
        direction, an id that a link points to."""
        ident = attr[0] if keep_id or attr[0] in self.targets else ""
        kept = [[k, v] for k, v in attr[2] if k in ("lang", "dir")]
        return [ident, [], kept]

    def _span(self, node):
        attr, inlines = node["c"]
        if {"comment-start", "comment-end"} & set(attr[1]):
            return _Splice()
        if attr[0].startswith("gref-"):  # the exporter's own glossary anchors
            self.own_additions += 1
            return _Splice(inlines)
        attr = self._attr(attr)
        if attr == ["", [], []]:
            return _Splice(inlines)
        return {"t": "Span", "c": [attr, inlines]}

    def _div(self, node):
        attr, blocks = node["c"]
        attr = self._attr(attr)
        if attr == ["", [], []]:
            return _Splice(blocks)
        return {"t": "Div", "c": [attr, blocks]}

    def _header(self, node):
        level, attr, inlines = node["c"]
        if not plain(inlines).strip():
            return _Splice()
        return {"t": "Header", "c": [level, self._attr(attr), inlines]}

    def _link(self, node):
        attr, inlines, target = node["c"]
        if target[0].startswith("#gloss-"):  # the exporter's own links to its glossary
            self.own_additions += 1
            return _Splice(inlines)
        if target[0].startswith("#map-"):  # the exporter's "map 2" after a place
            self.own_additions += 1
            return _Gone()
        return {"t": "Link", "c": [self._attr(attr), inlines, target]}

    def _para(self, node):
        if not node["c"] or not plain(node["c"]).strip() and not any(
                isinstance(i, dict) and i.get("t") in ("Image", "Note", "Math")
                for i in node["c"]):
            return _Splice()
        return node

    def _table(self, node):
        attr, caption, columns, head, bodies, foot = node["c"]
        rows = bodies[0][3] if bodies else []
        if not head[1] and len(rows) > 1:
            # A table with no header row (Google Docs never marks one) is not accessible:
            # its first row is taken as the header, and the report says so.
            head = [head[0], [rows[0]]]
            bodies[0][3] = rows[1:]
            self.tables_headed += 1
            self.findings.append(Finding(f"table {self.tables_headed}", "has no header row: "
                                         "its first row is taken as the header (check it)"))
        return {"t": "Table", "c": [attr, caption, columns, head, bodies, foot]}

    def _note(self, node):
        blocks = node["c"]
        # Google Docs starts each note's text with a no-break space.
        first = blocks[0]["c"] if blocks and blocks[0].get("t") in ("Para", "Plain") else []
        while first and first[0].get("t") == "Space" or first and first[0].get("t") == "Str" \
                and not first[0]["c"].strip():
            first.pop(0)
        if first and first[0].get("t") == "Str":
            first[0]["c"] = first[0]["c"].lstrip("\u00a0 ")
        return node

    def _rawinline(self, node):
        fmt, text = node["c"]
        if fmt.lower() == "html":
            return node
        self.findings.append(Finding("the text", f"raw {fmt} {quoted(text)} was left out"))
        return _Splice()

    def _rawblock(self, node):
        return self._rawinline(node)

    def _image(self, node):
        attr, alt, (url, title) = node["c"]
        alt = self._list(alt)
        self.pictures += 1
        where = f"picture {self.pictures}" + (f" ({quoted(plain(alt))})" if plain(alt).strip()
                                              else "")
        data = None if url.startswith(("http://", "https://", "//")) else self.resolve(url)
        if data is None:
            why = ("it is on the web (the import never downloads)"
                   if url.startswith(("http:", "https:", "//")) else "the document does not hold it")
            self.findings.append(Finding(where, f"{quoted(url)} was left out: {why}"))
            return _Splice(alt)
        extension = _extension(data)
        if extension is None:
            self.findings.append(Finding(where, f"{quoted(url)} was left out: its format "
                                 "(a Windows metafile, TIFF ...) is not one the editions show; "
                                 "save it as PNG or JPEG and add it back"))
            return _Splice(alt)
        name = f"{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        target = self.images / name
        if name not in self.written:
            self.images.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_bytes(data)
            self.written[name] = target
        image = {"t": "Image", "c": [["", [], []], alt, [f"{self.relative}/{name}", title]]}
        self._pictures_placed.append((where, image))
        return image

    # -- captions (LibreOffice writes them as paragraphs) ----------------------------------

    def _captions(self, blocks: list) -> list:
        out: list = []
        for block in blocks:
            text = " ".join(plain(block.get("c", [])).split()) \
                if block.get("t") in ("Para", "Plain") else ""
            previous = out[-1] if out else None
            if text and text in self.captions and previous is not None:
                image = _lone_image(previous)
                if image is not None:
                    if not plain(image["c"][1]).strip():
                        image["c"][1] = block["c"]
                    out[-1] = {"t": "Figure", "c": [["", [], []], [None, [
                        {"t": "Plain", "c": block["c"]}]], [{"t": "Plain", "c": [image]}]]}
                    continue
                if previous.get("t") == "Table" and not previous["c"][1][1]:
                    previous["c"][1] = [None, [{"t": "Plain", "c": block["c"]}]]
                    continue
            if previous is not None and previous.get("t") == "Para" and block.get("t") == "Table" \
                    and not block["c"][1][1]:
                above = " ".join(plain(previous["c"]).split())
                if above in self.captions:
                    block["c"][1] = [None, [{"t": "Plain", "c": previous["c"]}]]
                    out[-1] = block
                    continue
            out.append(block)
        return out


#: Ids of the sections the exporter adds to its editions (glossary/appendix.py,
#: maps/appendix.py, enrich/corrections.py).
_APPENDICES = ("glossary", "maps", "corrections-heading")


def _lone_image(block: dict) -> dict | None:
    """The image of a paragraph that holds nothing else."""
    if block.get("t") not in ("Para", "Plain"):
        return None
    inlines = [i for i in block["c"] if i.get("t") not in ("Space", "SoftBreak")]
    return inlines[0] if len(inlines) == 1 and inlines[0].get("t") == "Image" else None


def _link_targets(node) -> list[str]:
    """Every ``#id`` a link in ``node`` points to."""
    found = []
    if isinstance(node, list):
        for item in node:
            found += _link_targets(item)
    elif isinstance(node, dict):
        if node.get("t") == "Link" and node["c"][2][0].startswith("#"):
            found.append(node["c"][2][0][1:])
        found += _link_targets(node.get("c"))
    return found
