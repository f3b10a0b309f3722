"""Stable ASCII slugs for file names and identifiers."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(text: str) -> str:
    """ASCII slug: NFKD, drop what is not ASCII, lowercase, other runs -> ``-``.

    Text with no Latin letters at all (Armenian, Cyrillic ...) still gets a
    deterministic ASCII slug, from a hash of the text.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "t-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
