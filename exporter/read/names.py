"""What a source is called: an article (``*.md``) or a collection (``*.collection.yml``),
and the slug its editions are written under."""

from __future__ import annotations

from pathlib import Path

#: How a collection file's name ends; the slug is the name before it.
SUFFIX = ".collection.yml"


def is_collection(path: Path) -> bool:
    """Whether ``path`` names a collection file."""
    return Path(path).name.endswith(SUFFIX)


def source_slug(path: Path) -> str:
    """The output name of a source: an article's file name without ``.md``, a
    collection's without ``.collection.yml``."""
    from ..slug import slugify

    path = Path(path)
    return slugify(path.name[:-len(SUFFIX)] if is_collection(path) else path.stem)
