"""The print layout: the shared HTML set in pages by WeasyPrint.

The PDF edition writes these pages; the EPUB takes from them where each printed page
begins (``pagination``), so that both editions share one pagination. All resources
come through one URL fetcher that only serves the document's own resources
(``resource:`` URLs), so nothing is read from disk or network while laying out.
"""

from __future__ import annotations

import datetime as dt
import html

from .document import RESOURCE_SCHEME, Document
from .errors import SecurityError


def _fetcher(doc: Document):
    """A WeasyPrint URL fetcher that serves ``resource:`` URLs and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ResourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(RESOURCE_SCHEME):
                resource = doc.resources.get(url[len(RESOURCE_SCHEME):])
                if resource is not None:
                    media_type, data = resource.best(("image/svg+xml", "image/png",
                                                      "image/jpeg", "image/gif", "image/webp"))
                    return URLFetcherResponse(url, data, {"Content-Type": media_type})
            raise SecurityError(f"refused to fetch {url!r} while laying out the PDF",
                                file=doc.source)

    return ResourceFetcher(fail_on_errors=True, allowed_protocols=("resource",))


#: Python frames page layout may use (the main thread's 8 MB stack holds far more).
LAYOUT_RECURSION_LIMIT = 8000

#: Prefix of the id of the ``<section>`` that holds each part in the print document.
PART_ID_PREFIX = "part-"


def print_html(doc: Document, parts, timestamp: int) -> str:
    """The print document: every part in a ``<section id="part-ID">``, with metadata."""
    meta = doc.meta
    esc = html.escape
    title = doc.meta_text("title")
    created = dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)
    head = [f"<title>{esc(title)}</title>", '<meta charset="utf-8">']
    if meta.byline:
        head.append(f'<meta name="author" content="{esc(meta.byline)}">')
    subject = doc.description()
    if subject:
        head.append(f'<meta name="description" content="{esc(subject)}">')
    if meta.subjects:
        head.append(f'<meta name="keywords" content="{esc(", ".join(meta.subjects))}">')
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    head.append(f'<meta name="dcterms.created" content="{stamp}">')
    head.append(f'<meta name="dcterms.modified" content="{stamp}">')
    head.append('<meta name="generator" content="exporter">')
    sections = []
    for part in parts:
        kinds = set(part.epub_type.split())
        classes = f"part part-{part.id}"
        if not kinds & {"titlepage", "frontmatter", "bodymatter"}:
            classes += " part-appendix"
        elif part.id not in ("title", "article"):
            classes += " part-chapter"  # a collection's introduction and chapters
        sections.append(f'<section class="{classes}" id="{PART_ID_PREFIX}{part.id}" '
                        f'data-title="{esc(part.title)}">\n{part.html}\n</section>')
    return (f'<!DOCTYPE html>\n<html lang="{esc(meta.lang)}">\n<head>{"".join(head)}</head>\n'
            f'<body>\n{"".join(sections)}\n</body>\n</html>\n')


def lay_out(doc: Document, parts, stylesheet: str, timestamp: int):
    """Lay ``parts`` out in pages with ``stylesheet`` (CSS text).

    Returns the WeasyPrint Document and the root element of the HTML it laid out.
    """
    import sys

    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    # WeasyPrint recurses per nested box (about 15 frames a level): text nested as deep
    # as ``limits`` allows needs more than Python's default of 1000.
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, LAYOUT_RECURSION_LIMIT))
    try:
        source = weasyprint.HTML(string=print_html(doc, parts, timestamp),
                                 url_fetcher=_fetcher(doc), base_url=RESOURCE_SCHEME)
        document = source.render(stylesheets=[weasyprint.CSS(string=stylesheet)])
        return document, source.etree_element
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise cause if isinstance(cause, SecurityError) else SecurityError(
            str(exc), file=doc.source) from None
    finally:
        sys.setrecursionlimit(saved)
