"""The typed front-matter schema: what an article may say about itself.

Each field states its type and default; a wrong value becomes one message that
names the key, the line and what was expected (see ``yamlfile.validate``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ..glossary.model import GlossarySettings
from ..i18n import standard_tag, valid_tag
from ..maps.spec import MapSpec

#: Namespace for identifiers derived from the slug and date (stable across builds).
_ID_NAMESPACE = uuid.UUID("6f1c3a52-2b0e-5c55-9a43-5e3c1f0d7e21")



#: Characters in one front-matter text (title, standfirst, abstract, description ...):
#: a 300,000-word abstract was accepted and took a minute and 500 MB to set. (The other
#: bounds on input are in ``limits``.)
MAX_METADATA_TEXT = 20_000

class Correction(BaseModel):
    """One correction to a published article: when it was made and what changed."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="Day the correction was made, YYYY-MM-DD.")
    text: str = Field(min_length=1, description="What was corrected, as readers should see it.")

    @field_validator("date", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        return _as_date(value)

    @field_validator("text")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return " ".join(value.split())


class PrintSettings(BaseModel):
    """``print:``: how the paged editions are set and what the print shop gets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: str | None = Field(None, description="A4, A5, B5, Letter, Legal or 6x9in.")
    bleed_mm: float = Field(3.0, ge=0, le=10,
                            description="Bleed of the print-shop PDF in millimetres.")
    crop_marks: bool = Field(True, description="Crop marks outside the trim (print PDF).")

    @field_validator("paper")
    @classmethod
    def _known_paper(cls, value: str | None) -> str | None:
        from ..house.paper import PAPERS

        if value is None:
            return None
        found = PAPERS.get(str(value).strip().lower())
        if found is None:
            raise ValueError("is not a paper size; choose from "
                             + ", ".join(p.name for p in PAPERS.values()))
        return found.name


class Metadata(BaseModel):
    """Front-matter of one article."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    title: str = Field(min_length=1, description="The headline.")
    standfirst: str | None = Field(None, description="Subtitle / description under the headline.")
    date: dt.date = Field(description="Publication date, YYYY-MM-DD.")
    lang: str = Field(description="BCP 47 language tag, e.g. en-GB.")
    authors: list[str] = Field(default_factory=list, description="Byline; empty if unknown.")
    abstract: str | None = Field(None, description="A summary shown on the title page "
                                                   "(Markdown; pandoc's 'abstract').")
    description: str | None = Field(None, description="The editions' description metadata "
                                                      "(default: the standfirst).")
    bibliography: list[str] = Field(
        default_factory=list, description="Bibliography files in the source folder that "
                                          "[@key] cites: BibTeX (.bib), CSL JSON (.json), "
                                          "CSL YAML (.yaml).")
    csl: str | None = Field(None, description="Citation style: a .csl file in the source "
                                              "folder (default: Chicago author-date).")
    publisher: str | None = None
    rights: str | None = None
    subjects: list[str] = Field(default_factory=list, description="Subjects / keywords.")
    identifier: str | None = Field(None, description="Stable id; derived when absent.")
    edition: str = Field("1", description="Edition or version label shown on the title page.")
    cover_image: str | None = Field(None, description="Cover image inside the source folder.")
    base_url: str | None = Field(None, description="Web address relative links are resolved "
                                                   "against (https://...).")
    cover_text: str | None = Field(None, description="Extra line printed on a generated cover.")
    glossary: GlossarySettings = Field(default_factory=GlossarySettings,
                                       description="Glossary settings and the article's own entries.")
    maps: list[MapSpec] = Field(default_factory=list, description="Map declarations.")
    corrections: list[Correction] = Field(
        default_factory=list, description="Corrections since publication, oldest first.")
    print: PrintSettings | None = Field(None, description="Paper, bleed and crop marks.")
    dir: Literal["ltr", "rtl"] | None = Field(
        None, description="Writing direction; default: the language's (rtl for fa, ar ...).")
    translation_of: str | None = Field(
        None, description="The article this one translates: its file name in the same "
                          "folder, without .md (its slug).")
    translations: dict[str, str] = Field(
        default_factory=dict, description="This story in other languages: language tag -> "
                                          "the article's file name in the same folder, "
                                          "without .md.")

    @field_validator("title", "standfirst", "publisher", "rights", "abstract", "description")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        if value is not None and len(value) > MAX_METADATA_TEXT:
            raise ValueError(f"is {len(value):,} characters; the limit is "
                             f"{MAX_METADATA_TEXT:,} (about 3,000 words): put long text in "
                             "the article's body")
        return value.strip() if value is not None else None

    @field_validator("bibliography", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https:// or http://")
        return value if value is None or value.endswith("/") else value + "/"

    @field_validator("date", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        return _as_date(value)

    @field_validator("corrections")
    @classmethod
    def _after_publication(cls, value: list[Correction], info) -> list[Correction]:
        published = info.data.get("date")
        for correction in value:
            if published is not None and correction.date < published:
                raise ValueError(f"a correction dated {correction.date.isoformat()} comes "
                                 f"before the article's date ({published.isoformat()})")
        return sorted(value, key=lambda c: c.date)

    @field_validator("lang")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        return valid_tag(value)

    @field_validator("translations")
    @classmethod
    def _tags_and_slugs(cls, value: dict[str, str]) -> dict[str, str]:
        checked = {}
        for tag, slug in value.items():
            standard = standard_tag(str(tag))
            if standard is None:
                raise ValueError(f"'{tag}' is not a valid BCP 47 language tag "
                                 "(e.g. ru, hy, fa)")
            if not str(slug).strip():
                raise ValueError(f"the {tag} article is not named")
            checked[standard] = str(slug).strip().removesuffix(".md")
        return checked

    @field_validator("translation_of")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must name an article (its file name without .md)")
        return value.strip().removesuffix(".md") if value is not None else None

    #: Top-level keys these editions do not know, kept as pandoc keeps them
    #: (``read.pandocmeta.pass_through``); not validated, never a field of the schema.
    _pandoc: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def passed_through(self) -> dict[str, Any]:
        """Unknown metadata keys, kept for pandoc (the DOCX's document properties)."""
        return self._pandoc

    def stable_identifier(self, slug: str) -> str:
        """The given identifier, or a UUID derived from the slug and date (never random)."""
        return stable_identifier(self.identifier, slug, self.date)

    @property
    def modified(self) -> dt.date:
        """The day of the latest correction, or the publication date if there is none."""
        return max([self.date] + [c.date for c in self.corrections])

    @property
    def direction(self) -> str:
        """"rtl" or "ltr": the front-matter's ``dir``, else the language's."""
        from ..i18n import words

        return self.dir or words(self.lang).direction

    @property
    def byline(self) -> str:
        """Authors joined for display; empty when the source names none."""
        return ", ".join(self.authors)


def stable_identifier(given: str | None, slug: str, date: dt.date) -> str:
    """``given``, or a UUID derived from the slug and date (never random)."""
    if given:
        return given
    return "urn:uuid:" + str(uuid.uuid5(_ID_NAMESPACE, f"{slug}/{date.isoformat()}"))


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("is not a date; write it as YYYY-MM-DD, e.g. 2023-09-19") from None
    if not isinstance(value, dt.date):
        raise ValueError("is not a date; write it as YYYY-MM-DD, e.g. 2023-09-19")
    return value
