"""What the downloads page and the catalogue say about an article, taken from its
document once while it is built, and kept beside the editions for later builds.

An ``Article`` holds only plain data (and its cover images), so it can come from a
worker process, be stored as JSON, and be read back when the article's editions were
not rebuilt.
"""

from __future__ import annotations

import base64
import io
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document

#: Cover sizes in pixels (width, height at most): the catalogue's image and the thumbnail
#: the page shows (at half size, sharp on high-density screens) and reader apps list.
COVER_SIZE = (600, 900)
THUMBNAIL_SIZE = (240, 360)


@dataclass
class Article:
    """One article's metadata as the reader sees it (typography applied)."""

    slug: str
    identifier: str
    title: str
    standfirst: str
    date: str                      # publication date, YYYY-MM-DD
    modified: str                  # latest correction, else the publication date
    lang: str
    version: str                   # the front-matter's ``edition`` label
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    rights: str | None = None
    subjects: list[str] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)   # [{"date", "text"}]
    #: The same story in other languages: [{"lang", "slug", "title", "identifier"}].
    translations: list[dict] = field(default_factory=list)
    #: The places its maps show, for its news metadata (``Document.places``).
    places: list[dict] = field(default_factory=list)
    cover: bytes = b""             # PNG, at most COVER_SIZE
    thumbnail: bytes = b""         # PNG, at most THUMBNAIL_SIZE

    def to_json(self) -> dict:
        data = asdict(self)
        data["cover"] = base64.b64encode(self.cover).decode("ascii")
        data["thumbnail"] = base64.b64encode(self.thumbnail).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: dict) -> Article:
        data = dict(data)
        data["cover"] = base64.b64decode(data.get("cover", ""))
        data["thumbnail"] = base64.b64decode(data.get("thumbnail", ""))
        return cls(**data)


def _scaled_png(png: bytes, box: tuple[int, int]) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
        small = image.copy()
    small.thumbnail(box, Image.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def article_of(doc: Document) -> Article:
    """The article facts of a prepared document, with its cover scaled down twice."""
    from ..enrich.corrections import correction_texts
    from ..enrich.cover import cover_png

    meta = doc.meta
    texts = correction_texts(doc)
    cover = _scaled_png(cover_png(doc), COVER_SIZE)
    return Article(
        slug=doc.slug,
        identifier=meta.stable_identifier(doc.slug),
        title=doc.meta_text("title"),
        standfirst=doc.meta_text("subtitle"),
        date=meta.date.isoformat(),
        modified=meta.modified.isoformat(),
        lang=meta.lang,
        version=meta.edition,
        authors=list(meta.authors),
        publisher=meta.publisher,
        rights=meta.rights,
        subjects=list(meta.subjects),
        corrections=[{"date": c.date.isoformat(), "text": text}
                     for c, text in zip(meta.corrections, texts)],
        translations=[asdict(t) for t in doc.translations],
        places=[dict(p) for p in doc.places],
        cover=cover,
        thumbnail=_scaled_png(cover, THUMBNAIL_SIZE),
    )


def _record(out_dir, slug: str):
    # Beside the editions' build records (see exporter/freshness.py).
    return out_dir / ".exporter" / f"{slug}.article.json"


def save(out_dir, article: Article, digest: str) -> None:
    """Keep ``article`` beside the editions, for builds that do not prepare it again."""
    import json
    import os

    path = _record(out_dir, article.slug)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"inputs": digest, "article": article.to_json()},
                                  sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a missing record only means the next build prepares the article again


def load(out_dir, slug: str, digest: str | None) -> Article | None:
    """The kept facts of article ``slug`` if they were taken from inputs ``digest``
    (``None``: whatever inputs they were taken from)."""
    import json

    try:
        record = json.loads(_record(out_dir, slug).read_text("utf-8"))
        if digest is not None and record.get("inputs") != digest:
            return None
        return Article.from_json(record["article"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
