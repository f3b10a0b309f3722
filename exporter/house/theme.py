"""The project file (``exporter.yml`` beside ``source/``) and its ``theme:`` block.

A theme sets the common choices of a house style without writing CSS::

    theme:
      typeface: DejaVu Serif   # body text of every edition
      base_size_pt: 11         # body text size of the PDF and the DOCX
      accent: "#8a1c1c"        # the generated EPUB cover; the PDF's title and section rules
      paper: A5                # PDF page size: A4, A5, B5, letter, legal

It is validated like the front-matter: a wrong value is one message with file and line.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..yamlfile import load_yaml, read_text, validate

Paper = Literal["A4", "A5", "B5", "letter", "legal"]

#: Which editions each theme setting changes (a change rebuilds only those).
AFFECTS: dict[str, frozenset[str]] = {
    "typeface": frozenset({"pdf", "epub", "docx", "html", "print", "booklet"}),
    "base_size_pt": frozenset({"pdf", "docx", "print", "booklet"}),
    "accent": frozenset({"pdf", "epub", "print", "booklet"}),
    "paper": frozenset({"pdf", "print", "booklet"}),
}


class Theme(BaseModel):
    """House-style choices that need no CSS; unset ones keep the built-in style."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    typeface: str | None = Field(None, min_length=1, max_length=80,
                                 description="Font family of the body text.")
    base_size_pt: float | None = Field(None, ge=6, le=24,
                                       description="Body text size in points (PDF, DOCX).")
    accent: str | None = Field(None, description="Accent colour, #rrggbb (covers, rules).")
    paper: Paper | None = Field(None, description="PDF paper size.")

    @field_validator("typeface")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[\w][\w .-]*", value.strip()):
            raise ValueError("a font family name: letters, digits, spaces, '-' and '.'")
        return value.strip() if value is not None else None

    @field_validator("accent")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError("a colour as #rrggbb, e.g. \"#8a1c1c\" (quote it in YAML)")
        return value.lower() if value is not None else None

    def accent_rgb(self) -> tuple[int, int, int] | None:
        """The accent as (r, g, b), or None."""
        if self.accent is None:
            return None
        return tuple(int(self.accent[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]

    def css(self, fmt: str) -> str:
        """CSS that applies this theme to format ``fmt``'s stylesheet (appended to it)."""
        rules = []
        if fmt == "pdf":
            # The paper itself is applied by the layout (``paper.page_css``): the command
            # line and the front-matter may choose another.
            html = []
            if self.typeface:
                html.append(f'font-family: "{self.typeface}", serif;')
            if self.base_size_pt:
                html.append(f"font-size: {self.base_size_pt:g}pt;")
            if html:
                rules.append("html { " + " ".join(html) + " }")
            if self.accent:
                rules.append(f".part-title h1.title, h2 {{ border-top-color: {self.accent}; }}")
        elif fmt in ("epub", "html"):
            if self.typeface:
                rules.append(f'body {{ font-family: "{self.typeface}", serif; }}')
        return "\n".join(["/* theme: from exporter.yml */", *rules, ""]) if rules else ""

    def reference_docx(self, data: bytes) -> bytes:
        """The DOCX template ``data`` with this theme: the body face (the Normal style's
        font, wherever a style uses it, and the theme's minor font) becomes ``typeface``;
        every type size is scaled so that Normal has ``base_size_pt``."""
        if not (self.typeface or self.base_size_pt):
            return data
        import io
        import zipfile

        from lxml import etree

        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        parts = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            for info in infos:
                parts[info.filename] = archive.read(info)
        styles = etree.fromstring(parts["word/styles.xml"])
        normal = styles.find(f"{w}style[@{w}styleId='Normal']/{w}rPr")
        defaults = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")

        def first(tag: str, attr: str) -> str | None:
            for rpr in (normal, defaults):
                node = rpr.find(f"{w}{tag}") if rpr is not None else None
                if node is not None and node.get(f"{w}{attr}"):
                    return node.get(f"{w}{attr}")
            return None

        body_face, size = first("rFonts", "ascii"), first("sz", "val")
        if self.typeface and body_face:
            for fonts in styles.iter(f"{w}rFonts"):
                for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                    if fonts.get(f"{w}{attr}") == body_face:
                        fonts.set(f"{w}{attr}", self.typeface)
            for name, part in parts.items():
                if name.startswith("word/theme/"):
                    parts[name] = re.sub(
                        rb'(<a:minorFont>\s*<a:latin typeface=")[^"]*"',
                        rb"\g<1>" + self.typeface.encode() + b'"', part)
        if self.base_size_pt and size:
            scale = self.base_size_pt * 2 / int(size)
            for tag in ("sz", "szCs"):
                for node in styles.iter(f"{w}{tag}"):
                    node.set(f"{w}val", str(max(2, round(int(node.get(f"{w}val")) * scale))))
        parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in infos:
                archive.writestr(info, parts[info.filename])
        return out.getvalue()

    def digest(self, fmt: str) -> str:
        """Hash of the settings that change format ``fmt`` (freshness)."""
        used = {k: v for k, v in self.model_dump().items()
                if v is not None and fmt in AFFECTS[k]}
        return hashlib.sha256(json.dumps([used, self.css(fmt)], sort_keys=True).encode()
                              ).hexdigest()


#: The output formats a project may list (the adapters' names; ``adapters.ADAPTERS`` is
#: checked against this list by the tests: house/ comes before adapters/).
FORMAT_NAMES = ("epub", "pdf", "docx", "html", "print", "booklet")

#: The project's defaults for each article's front-matter (an article's own value wins).
FRONT_MATTER_DEFAULTS = ("publisher", "lang", "base_url")


class ProjectFile(BaseModel):
    """``exporter.yml``: the project's defaults and its theme."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    publisher: str | None = Field(None, min_length=1, max_length=300,
                                  description="Publisher of every article that names none.")
    lang: str | None = Field(None, description="Language of every article that names none.")
    base_url: str | None = Field(None, description="Web address relative links are resolved "
                                 "against, for every article that names none.")
    formats: tuple[Literal[FORMAT_NAMES], ...] | None = Field(  # type: ignore[valid-type]
        None, min_length=1, description="What 'exporter build' makes without --format.")
    paper: Paper | None = Field(None, description="PDF paper size (as theme: paper).")
    theme: Theme = Theme()

    @field_validator("theme", mode="before")
    @classmethod
    def _empty(cls, value: object) -> object:
        return {} if value is None else value  # "theme:" with every line commented out

    @field_validator("formats", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value  # "formats: epub"

    @field_validator("publisher")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None

    @field_validator("lang")
    @classmethod
    def _bcp47(cls, value: str | None) -> str | None:
        from ..i18n import valid_tag

        return None if value is None else valid_tag(value)

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError("a web address starting with https://, e.g. "
                             "https://news.example.org/")
        return value

    @model_validator(mode="after")
    def _paper_once(self) -> "ProjectFile":
        if self.paper is not None and self.theme.paper not in (None, self.paper):
            raise ValueError(f"paper: {self.paper} and theme: paper: {self.theme.paper} "
                             "disagree; keep one of them")
        if self.paper is not None and self.theme.paper is None:
            # One place to read it from: the theme (below the front-matter's print: paper).
            object.__setattr__(self, "theme", self.theme.model_copy(
                update={"paper": self.paper}))
        return self

    def front_matter_defaults(self) -> tuple[tuple[str, str], ...]:
        """(key, value) for each front-matter default the project sets."""
        return tuple((key, getattr(self, key)) for key in FRONT_MATTER_DEFAULTS
                     if getattr(self, key) is not None)


def load_project(path: Path) -> ProjectFile:
    """Read and validate a project file; a missing file means the defaults."""
    if not path.is_file():
        return ProjectFile()
    data, locator = load_yaml(read_text(path), path)
    if data is None:
        return ProjectFile()
    if not isinstance(data, dict):
        raise locator.error("the project file must be a mapping", (),
                            "write 'key: value' lines, e.g. 'publisher: Example News'")
    return validate(ProjectFile, data, locator)
