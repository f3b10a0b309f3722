"""PDF edition: the shared HTML parts set in one print document by WeasyPrint.

All resources come through one URL fetcher that only serves the document's own
resources (``resource:`` URLs), so nothing is read from disk or network while
laying out.
"""

from __future__ import annotations

import datetime as dt
import html
import os

from ..document import RESOURCE_SCHEME, Document
from ..errors import SecurityError
from . import STYLES_DIR, RenderContext

EXTENSION = "pdf"
MEDIA_TYPE = "application/pdf"
USES_HTML = True
LAYS_OUT_PAGES = True


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


def _page_html(doc: Document, ctx: RenderContext) -> str:
    meta = doc.meta
    esc = html.escape
    title = doc.meta_text("title")
    created = dt.datetime.fromtimestamp(ctx.timestamp, tz=dt.timezone.utc)
    head = [f"<title>{esc(title)}</title>", '<meta charset="utf-8">']
    if meta.byline:
        head.append(f'<meta name="author" content="{esc(meta.byline)}">')
    subject = doc.meta_text("subtitle")
    if subject:
        head.append(f'<meta name="description" content="{esc(subject)}">')
    if meta.subjects:
        head.append(f'<meta name="keywords" content="{esc(", ".join(meta.subjects))}">')
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    head.append(f'<meta name="dcterms.created" content="{stamp}">')
    head.append(f'<meta name="dcterms.modified" content="{stamp}">')
    head.append('<meta name="generator" content="exporter">')
    sections = []
    for part in ctx.html.parts:
        kind = "appendix" if part.id not in ("title", "article") else part.id
        classes = f"part part-{part.id}" + (" part-appendix" if kind == "appendix" else "")
        sections.append(f'<section class="{classes}" id="part-{part.id}" '
                        f'data-title="{esc(part.title)}">\n{part.html}\n</section>')
    return (f'<!DOCTYPE html>\n<html lang="{esc(meta.lang)}">\n<head>{"".join(head)}</head>\n'
            f'<body>\n{"".join(sections)}\n</body>\n</html>\n')


#: Page counts of the PDFs this process laid out, by digest, so that ``pages`` need not
#: import pypdf (0.17 CPU s, measured) to read back what WeasyPrint just counted.
_COUNTED: dict[bytes, int] = {}


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=16).digest()


def pages(data: bytes) -> int:
    """Number of pages in a PDF edition."""
    known = _COUNTED.get(_digest(data))
    if known is not None:
        return known
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def warm_up() -> None:
    """Load WeasyPrint (about 0.4 s) before there is a document to lay out, and lay out
    a line of text in the editions' fonts: the first layout of a process loads fonts
    and fills Pango's caches (about 70 ms, measured)."""
    import weasyprint
    import weasyprint.urls  # noqa: F401

    weasyprint.HTML(string='<p lang="en">Warm <b>up</b> <i>fonts</i></p>').render(
        stylesheets=[weasyprint.CSS(filename=str(STYLES_DIR / "print.css"))]).write_pdf()


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay out ``doc`` as an A4 PDF with metadata, bookmarks and embedded fonts."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    stylesheet = weasyprint.CSS(string=(ctx.styles / "print.css").read_text("utf-8"))
    try:
        document = weasyprint.HTML(string=_page_html(doc, ctx), url_fetcher=_fetcher(doc),
                                   base_url=RESOURCE_SCHEME).render(stylesheets=[stylesheet])
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise cause if isinstance(cause, SecurityError) else SecurityError(
            str(exc), file=doc.source) from None
    # fontTools stamps embedded font subsets with "now" unless SOURCE_DATE_EPOCH is set.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.timestamp)
    try:
        data = document.write_pdf(pdf_identifier=doc.meta.stable_identifier(doc.slug).encode(),
                                  pdf_version="1.7")
        if len(_COUNTED) > 8:  # a long-lived worker (``exporter watch``) keeps only a few
            _COUNTED.clear()
        _COUNTED[_digest(data)] = len(document.pages)
        return data
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
