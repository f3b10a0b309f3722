"""``feed.xml``: an Atom feed (RFC 4287) of the articles, for feed readers.

The OPDS catalogue (``catalogue.py``) is for e-reader apps, which feed readers do not
take; this one is a plain Atom feed beside it: an entry per article, newest first,
linking to the article's web edition (else to its place on the downloads page), with
its other editions as ``enclosure`` links. Every time comes from the sources, so the
same sources give the same bytes; links are relative to the folder (``xml:base`` is
the front-matter's ``base_url`` when every article gives the same one).
"""

from __future__ import annotations

import uuid

from lxml import etree

from ..i18n import words

ATOM = "http://www.w3.org/2005/Atom"
FEED = "feed.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NS = uuid.UUID("5b1f7f5e-2a53-5c0e-9d1e-6f0d3c2b8a41")


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}",
                          {k.rstrip("_"): v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _time(day: str) -> str:
    return f"{day}T00:00:00Z"


def render_feed(articles: list[dict], key: str, publisher: str | None = None,
                lang: str = "en") -> bytes:
    """The feed of ``articles`` (manifest entries, newest first); ``key`` makes its id."""
    _ = words(lang)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set(XML_LANG, _.lang)
    _el(feed, "id", "urn:uuid:" + str(uuid.uuid5(_NS, key)))
    _el(feed, "title", _("{publisher}: articles", publisher=publisher) if publisher
        else _("Articles"))
    _el(feed, "updated", _time(max(a["modified"] for a in articles)))
    _el(_el(feed, "author"), "name", publisher or "exporter")
    _el(feed, "link", rel="self", href=FEED, type_="application/atom+xml")
    _el(feed, "link", rel="alternate", href="index.html", type_="text/html")
    for article in articles:
        entry = _el(feed, "entry")
        entry.set(XML_LANG, article["lang"])
        _el(entry, "id", article["identifier"])
        _el(entry, "title", article["title"])
        _el(entry, "published", _time(article["date"]))
        _el(entry, "updated", _time(article["modified"]))
        for name in article.get("authors") or []:
            _el(_el(entry, "author"), "name", name)
        if article.get("standfirst"):
            _el(entry, "summary", article["standfirst"], type_="text")
        for subject in article.get("subjects") or []:
            _el(entry, "category", term=subject)
        if article.get("rights"):
            _el(entry, "rights", article["rights"])
        web = [ed for ed in article["editions"] if ed["media_type"] == "text/html"]
        _el(entry, "link", rel="alternate", type_="text/html", hreflang=article["lang"],
            href=web[0]["file"] if web else f"index.html#{article['slug']}")
        for ed in article["editions"]:
            if ed in web[:1]:
                continue
            _el(entry, "link", rel="enclosure", href=ed["file"], type_=ed["media_type"],
                length=str(ed["bytes"]), title=ed.get("label"))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
