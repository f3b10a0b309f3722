"""What news sites, search engines and social previews read about an article:
schema.org ``NewsArticle`` JSON-LD, Open Graph, and links to its other editions.

Made from plain facts (``facts_of`` takes them from a document; the downloads page
has the same facts from the manifest), so the web edition and the downloads page say
the same. Dates are ISO 8601 calendar dates: the sources give days, not times, and
an invented time of day would be a false precision. Web addresses are relative to the
output folder unless the front-matter gives ``base_url``.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document
    from ..i18n import Words

#: Google's limit for a headline in rich results; a longer one is still valid schema.org.
HEADLINE_MAX = 110


def facts_of(doc: Document) -> dict:
    """The facts of ``doc`` the metadata is made of (plain data, as in the manifest)."""
    meta = doc.meta
    return {
        "slug": doc.slug,
        "title": doc.meta_text("title"),
        "standfirst": doc.meta_text("subtitle"),
        "date": meta.date.isoformat(),
        "modified": meta.modified.isoformat(),
        "lang": meta.lang,
        "authors": list(meta.authors),
        "publisher": meta.publisher,
        "subjects": list(meta.subjects),
        "identifier": meta.stable_identifier(doc.slug),
        "places": [dict(p) for p in doc.places],
        "base_url": getattr(meta, "base_url", None) or "",
        "cover": f"covers/{doc.slug}.png",
    }


def _url(facts: dict, path: str) -> str:
    base = facts.get("base_url") or ""
    return (base.rstrip("/") + "/" + path) if base else path


def news_article(facts: dict, url: str, editions: list[tuple[str, str, str]] = ()) -> dict:
    """The ``NewsArticle`` of ``facts``; ``url`` its web edition's address, ``editions``
    (label, file, media type) the article's other files, as ``encoding``."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": facts["title"],
        "datePublished": facts["date"],
        "dateModified": facts["modified"],
        "inLanguage": facts["lang"],
        "identifier": facts["identifier"],
        "url": _url(facts, url),
        "mainEntityOfPage": _url(facts, url),
    }
    if facts.get("cover"):
        data["image"] = [_url(facts, facts["cover"])]
    if facts.get("standfirst"):
        data["description"] = facts["standfirst"]
    if facts.get("authors"):
        data["author"] = [{"@type": "Person", "name": name} for name in facts["authors"]]
    if facts.get("publisher"):
        data["publisher"] = {"@type": "Organization", "name": facts["publisher"]}
    if facts.get("subjects"):
        data["keywords"] = facts["subjects"]
    places = facts.get("places") or []
    areas = [p for p in places if not p.get("point")]
    points = [p for p in places if p.get("point")]
    if areas:
        data["about"] = [{"@type": "Place", "name": p["name"]} for p in areas]
    if points:
        data["contentLocation"] = [
            {"@type": "Place", "name": p["name"],
             "geo": {"@type": "GeoCoordinates", "latitude": round(p["lat"], 4),
                     "longitude": round(p["lon"], 4)}} for p in points]
    if facts.get("accessibility_summary"):  # the web edition says what it offers
        data["accessMode"] = ["textual", "visual"] if places else ["textual"]
        data["accessModeSufficient"] = ["textual"]
        data["accessibilityFeature"] = ["structuralNavigation", "tableOfContents",
                                        "readingOrder", "ARIA", "displayTransformability"] + (
            ["alternativeText"] if places else [])
        data["accessibilityHazard"] = "none"
        data["accessibilitySummary"] = facts["accessibility_summary"]
    if editions:
        data["encoding"] = [{"@type": "MediaObject", "name": label,
                             "contentUrl": _url(facts, name), "encodingFormat": media}
                            for label, name, media in editions]
    return data


def json_ld(data: dict) -> str:
    """``data`` as a JSON-LD script element (``<`` escaped: it cannot end the script)."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def open_graph(facts: dict, url: str) -> list[tuple[str, str]]:
    """Open Graph properties (og:, article:) of ``facts``."""
    props = [("og:type", "article"), ("og:title", facts["title"]),
             ("og:url", _url(facts, url))]
    if facts.get("cover"):
        props += [("og:image", _url(facts, facts["cover"])), ("og:image:alt", facts["title"])]
    props.append(("og:locale", facts["lang"].replace("-", "_")))
    if facts.get("standfirst"):
        props.append(("og:description", facts["standfirst"]))
    if facts.get("publisher"):
        props.append(("og:site_name", facts["publisher"]))
    props += [("article:published_time", facts["date"]),
              ("article:modified_time", facts["modified"])]
    props += [("article:author", name) for name in facts.get("authors") or []]
    props += [("article:tag", subject) for subject in facts.get("subjects") or []]
    return props


def head(facts: dict, url: str, editions: list[tuple[str, str, str]], _: Words) -> str:
    """The lines of a web edition's ``<head>``: description, Open Graph, the other
    editions as ``<link rel="alternate">``, the JSON-LD."""
    esc = html.escape
    lines = []
    if facts.get("standfirst"):
        lines.append(f'<meta name="description" content="{esc(facts["standfirst"])}">')
    for name in facts.get("authors") or []:
        lines.append(f'<meta name="author" content="{esc(name)}">')
    lines += [f'<meta property="{esc(k)}" content="{esc(v)}">' for k, v in open_graph(facts, url)]
    for label, name, media in editions:
        lines.append(f'<link rel="alternate" type="{esc(media)}" href="{esc(name)}" '
                     f'title="{esc(label)}">')
    lines.append(json_ld(news_article(facts, url, editions)))
    return "\n".join(lines)


#: What a ``NewsArticle`` must have here: schema.org requires nothing, so these are the
#: properties Google's article documentation asks for and that our facts always give.
REQUIRED = ("headline", "datePublished", "dateModified", "inLanguage", "image")


def problems(data: object) -> list[str]:
    """What is wrong with a ``NewsArticle`` JSON-LD object, in words ([] when nothing):
    its type, the required properties, ISO 8601 dates, a modification not before the
    publication, people and organisations with names."""
    import datetime as dt

    if not isinstance(data, dict):
        return ["the JSON-LD is not an object"]
    found = []
    if data.get("@context") not in ("https://schema.org", "https://schema.org/",
                                    "http://schema.org", "http://schema.org/"):
        found.append("@context is not schema.org")
    if data.get("@type") != "NewsArticle":
        found.append(f"@type is {data.get('@type')!r}, not NewsArticle")
    for name in REQUIRED:
        if not data.get(name):
            found.append(f"{name} is missing")
    dates = {}
    for name in ("datePublished", "dateModified"):
        value = data.get(name)
        if not isinstance(value, str):
            continue
        try:
            dates[name] = (dt.date.fromisoformat(value) if len(value) == 10
                           else dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date())
        except ValueError:
            found.append(f"{name} {value!r} is not an ISO 8601 date")
    if len(dates) == 2 and dates["dateModified"] < dates["datePublished"]:
        found.append("dateModified is before datePublished")
    if isinstance(data.get("headline"), str) and len(data["headline"]) > HEADLINE_MAX:
        found.append(f"headline is longer than {HEADLINE_MAX} characters")
    people = data.get("author") or []
    for person in people if isinstance(people, list) else [people]:
        if not isinstance(person, dict) or not person.get("name"):
            found.append("an author has no name")
    publisher = data.get("publisher")
    if publisher is not None and (not isinstance(publisher, dict) or not publisher.get("name")):
        found.append("the publisher has no name")
    return found
