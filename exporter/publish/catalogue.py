"""``catalog.xml``: an OPDS 1.2 catalogue, the feed e-reader apps browse.

Few articles: one acquisition feed, an entry per article with its editions as
acquisition links. Many: ``catalog.xml`` becomes a navigation feed leading to all
articles (newest first), to one acquisition feed per month and one per subject, in
``catalog/``. Every time comes from the sources (the articles' dates and corrections),
so the same sources give the same bytes. All links are relative: the catalogue works
from any static web server or a folder.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from pathlib import PurePosixPath

from lxml import etree

from ..i18n import Words, autonym, words
from ..slug import slugify

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS}

ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ROOT = "catalog.xml"
FOLDER = "catalog"
#: From this many articles on, the catalogue offers navigation by date and subject.
NAVIGATION_FROM = 13

_NS = uuid.UUID("0c7f3b1e-51a4-5d7e-8f3a-2b6c9d1e4f70")


def _time(day: str) -> str:
    return f"{day}T00:00:00Z"


def _feed_id(name: str, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(_NS, f"{key}/{name}"))


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    ns, _, local = tag.rpartition(":")
    qname = f"{{{ {'dc': DC, 'opds': OPDS}[ns] }}}{local}" if ns else f"{{{ATOM}}}{tag}"
    el = etree.SubElement(parent, qname, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _href(target: str, feed_path: str) -> str:
    """``target`` (relative to the output folder) as seen from the feed at ``feed_path``."""
    depth = len(PurePosixPath(feed_path).parts) - 1
    return "../" * depth + target


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(path: str, title: str, kind: str, key: str, updated: str, root_kind: str,
          _: Words, subtitle: str = "", up: str | None = None,
          publisher: str | None = None) -> etree._Element:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    feed.set(XML_LANG, _.lang)
    _el(feed, "id", _feed_id(path, key))
    _el(feed, "title", title)
    if subtitle:
        _el(feed, "subtitle", subtitle)
    _el(feed, "updated", _time(updated))
    author = _el(feed, "author")
    _el(author, "name", publisher or "exporter")
    _el(feed, "link", rel="self", href=_href(path, path), type_=kind)
    _el(feed, "link", rel="start", href=_href(ROOT, path), type_=root_kind)
    if up:
        _el(feed, "link", rel="up", href=_href(up, path), type_=NAVIGATION)
    _el(feed, "link", rel="alternate", href=_href("index.html", path), type_="text/html",
        title=_("Downloads page"))
    return feed


def _entry(feed, article: dict, path: str) -> None:
    """An article's entry, in the article's own language (``xml:lang``): its generated
    words too; its translations as ``alternate`` links with their ``hreflang``."""
    _ = words(article["lang"])
    entry = _el(feed, "entry")
    entry.set(XML_LANG, _.lang)
    _el(entry, "title", article["title"])
    _el(entry, "id", article["identifier"])
    _el(entry, "updated", _time(article["modified"]))
    for name in article.get("authors") or []:
        _el(_el(entry, "author"), "name", name)
    _el(entry, "dc:identifier", article["identifier"])
    _el(entry, "dc:language", article["lang"])
    _el(entry, "dc:issued", article["date"])
    _el(entry, "dc:modified", article["modified"])
    if article.get("publisher"):
        _el(entry, "dc:publisher", article["publisher"])
    if article.get("rights"):
        _el(entry, "rights", article["rights"])
    for subject in article.get("subjects") or []:
        _el(entry, "category", term=subject, label=subject)
    summary = article.get("standfirst") or article["title"]
    _el(entry, "summary", summary, type_="text")
    notes = [_("Edition {edition}", edition=article["version"]) + _(".")]
    for c in article.get("corrections") or []:
        notes.append(_("Correction, {date}: {text}",
                       date=_.date(dt.date.fromisoformat(c["date"])), text=c["text"]))
    _el(entry, "content", " ".join([summary] + notes), type_="text")
    cover = article.get("cover") or {}
    if cover.get("image"):
        _el(entry, "link", rel="http://opds-spec.org/image", href=_href(cover["image"], path),
            type_="image/png")
    if cover.get("thumbnail"):
        _el(entry, "link", rel="http://opds-spec.org/image/thumbnail",
            href=_href(cover["thumbnail"], path), type_="image/png")
    for ed in article["editions"]:
        title = ed["label"] + (f" — {ed['purpose']}" if ed.get("purpose") else "")
        _el(entry, "link", rel="http://opds-spec.org/acquisition", href=_href(ed["file"], path),
            type_=ed["media_type"], title=title, length=str(ed["bytes"]))
    _el(entry, "link", rel="alternate", href=_href(f"index.html#{article['slug']}", path),
        type_="text/html", title=_("On the downloads page"), hreflang=article["lang"])
    for other in article.get("translations") or []:
        # The same story in another language: where it is on the downloads page.
        _el(entry, "link", rel="alternate", href=_href(f"index.html#{other['slug']}", path),
            type_="text/html", hreflang=other["lang"], title=autonym(other["lang"]))


def _nav_entry(feed, title: str, target: str, kind: str, key: str, updated: str,
               content: str, path: str, rel: str = "subsection") -> None:
    entry = _el(feed, "entry")
    _el(entry, "title", title)
    _el(entry, "id", _feed_id(target, key))
    _el(entry, "updated", _time(updated))
    _el(entry, "content", content, type_="text")
    _el(entry, "link", rel=rel, href=_href(target, path), type_=kind)


def _bytes(feed) -> bytes:
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _latest(articles: list[dict]) -> str:
    return max(a["modified"] for a in articles)


def render_catalogue(articles: list[dict], key: str, publisher: str | None = None,
                     navigation_from: int = NAVIGATION_FROM,
                     lang: str = "en") -> dict[str, bytes]:
    """The catalogue's files (path relative to the output folder -> bytes).

    ``articles`` are manifest entries, newest first; ``key`` makes the feeds' ids
    (stable while it is). Navigation feeds appear from ``navigation_from`` articles on.
    The feeds speak ``lang`` (the downloads page's language); each entry its article's.
    """
    if not articles:
        return {}
    _ = words(lang)
    title = _("{publisher}: articles", publisher=publisher) if publisher else _("Articles")
    root_kind = ACQUISITION if len(articles) < navigation_from else NAVIGATION

    def count(n: int) -> str:
        return _.n("{n} article", "{n} articles", n, n=_.number(n))

    def acquisition(path: str, feed_title: str, chosen: list[dict], up: str | None,
                    subtitle: str = "") -> bytes:
        feed = _feed(path, feed_title, ACQUISITION, key, _latest(chosen), root_kind, _,
                     subtitle, up, publisher)
        for article in chosen:
            _entry(feed, article, path)
        return _bytes(feed)

    if root_kind == ACQUISITION:
        formats = list(dict.fromkeys(ed["label"] for a in articles for ed in a["editions"]
                                     if a["lang"] == lang))
        return {ROOT: acquisition(ROOT, title, articles, None,
                                  _("Each article as {formats}.",
                                    formats=_.join(formats)))}
    files: dict[str, bytes] = {}
    updated = _latest(articles)
    by_month: dict[str, list[dict]] = defaultdict(list)
    by_subject: dict[str, list[dict]] = defaultdict(list)
    for article in articles:
        by_month[article["date"][:7]].append(article)
        for subject in article.get("subjects") or []:
            by_subject[subject].append(article)

    all_path = f"{FOLDER}/all.xml"
    newest = _("All articles, newest first")
    files[all_path] = acquisition(all_path, newest, articles, ROOT)
    months_path = f"{FOLDER}/by-date.xml"
    months = _feed(months_path, _("By date"), NAVIGATION, key, updated, root_kind, _,
                   up=ROOT, publisher=publisher)
    for month in sorted(by_month, reverse=True):
        chosen = by_month[month]
        path = f"{FOLDER}/date-{month}.xml"
        label = _.month(dt.date.fromisoformat(month + "-01"))
        files[path] = acquisition(path, _("Published in {month}", month=label), chosen,
                                  months_path)
        _nav_entry(months, label, path, ACQUISITION, key, _latest(chosen),
                   count(len(chosen)), months_path)
    files[months_path] = _bytes(months)
    subjects_path = f"{FOLDER}/by-subject.xml"
    subjects = _feed(subjects_path, _("By subject"), NAVIGATION, key, updated, root_kind, _,
                     up=ROOT, publisher=publisher)
    used: set[str] = set()
    for subject in sorted(by_subject, key=_.sort_key()):
        chosen = by_subject[subject]
        name = slugify(subject)
        while name in used:
            name += "-2"
        used.add(name)
        path = f"{FOLDER}/subject-{name}.xml"
        files[path] = acquisition(path, subject, chosen, subjects_path)
        _nav_entry(subjects, subject, path, ACQUISITION, key, _latest(chosen),
                   count(len(chosen)), subjects_path)
    files[subjects_path] = _bytes(subjects)
    root = _feed(ROOT, title, NAVIGATION, key, updated, root_kind, _, publisher=publisher)
    _nav_entry(root, newest, all_path, ACQUISITION, key, updated,
               count(len(articles)) + _("."), ROOT, rel="http://opds-spec.org/sort/new")
    _nav_entry(root, _("By date"), months_path, NAVIGATION, key, updated,
               _("The articles by month of publication."), ROOT)
    _nav_entry(root, _("By subject"), subjects_path, NAVIGATION, key, updated,
               _("The articles by subject."), ROOT)
    files[ROOT] = _bytes(root)
    return files
