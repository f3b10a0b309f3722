"""The print layout: the shared HTML set in pages by WeasyPrint.

The PDF edition writes these pages; the EPUB takes from them where each printed page
begins (``pagination``), so that both editions share one pagination. All resources
come through one URL fetcher that only serves the document's own resources
(``resource:`` URLs), so nothing is read from disk or network while laying out.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from .breaks import set_again
from .hyphenation import justified, register
from .pdftags import ORNAMENT_ALT, finish_tags
from ..document import RESOURCE_SCHEME, Document
from ..errors import SecurityError
from ..house.fonts import FONT_SCHEME, font_face_css, font_file
from ..house.paper import DEFAULT_PAPER, Paper, page_css, paper


#: WeasyPrint's font configurations made in this process, by thread (weak references),
#: whose folders of @font-face files ``release_font_folders`` removes.
_FONT_CONFIGURATIONS: dict[int, list] = {}


def font_configuration():
    """A new WeasyPrint font configuration, its folder of @font-face files removed by
    this thread's next layout, after the PDF is written, or when the process ends.
    (WeasyPrint removes it in the configuration's ``__del__``, which never ran for one
    caught in a reference cycle after ``gc.freeze`` or in a worker that exits: each PDF
    left 2 MB in the temporary folder.) This thread's earlier folders go first."""
    import threading
    import weakref

    from weasyprint.text.fonts import FontConfiguration

    release_font_folders()
    fonts = FontConfiguration()
    _FONT_CONFIGURATIONS.setdefault(threading.get_ident(), []).append(weakref.ref(fonts))
    return fonts


def release_font_folders(every_thread: bool = False) -> None:
    """Remove the @font-face folders of the font configurations this thread made (with
    ``every_thread``, all of this process's: at its end)."""
    import shutil
    import threading

    keys = list(_FONT_CONFIGURATIONS) if every_thread else [threading.get_ident()]
    for key in keys:
        for ref in _FONT_CONFIGURATIONS.pop(key, []):
            fonts = ref()
            folder = getattr(fonts, "_folder", None)
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
                fonts._folder = None


def _release_at_exit() -> None:
    # multiprocessing runs its finalizers in a worker's exit too (atexit does not).
    from multiprocessing import util

    util.Finalize(None, release_font_folders, kwargs={"every_thread": True}, exitpriority=0)


_release_at_exit()


#: The image types the layout takes, the first a resource has.
LAYOUT_MEDIA_TYPES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp")


def resource_fetcher(doc: Document):
    """A WeasyPrint URL fetcher that serves ``resource:`` URLs and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ResourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(RESOURCE_SCHEME):
                resource = doc.resources.get(url[len(RESOURCE_SCHEME):])
                if resource is not None:
                    media_type, data = resource.best(LAYOUT_MEDIA_TYPES)
                    return URLFetcherResponse(url, data, {"Content-Type": media_type})
            if url.startswith(FONT_SCHEME):
                data = font_file(url[len(FONT_SCHEME):])
                if data is not None:
                    return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})
            if url.startswith(MATH_SCHEME):
                data = math_drawing(url)
                if data is not None:
                    return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})
            raise SecurityError(f"refused to fetch {url!r} while laying out the PDF",
                                file=doc.source)

    from .math import SCHEME as MATH_SCHEME, drawing as math_drawing

    return ResourceFetcher(fail_on_errors=True, allowed_protocols=(
        "resource", FONT_SCHEME[:-1], MATH_SCHEME[:-1]))


#: Python frames page layout may use (the main thread's 8 MB stack holds far more).
LAYOUT_RECURSION_LIMIT = 8000

#: Prefix of the id of the ``<section>`` that holds each part in the print document.
PART_ID_PREFIX = "part-"


def part_classes(part) -> str:
    """The classes of a part's ``<section>`` in the print document: ``part-appendix``
    for the back matter, ``part-chapter`` for what starts on a right-hand page (a
    collection's contents, introduction and chapters, a long article's sections),
    ``part-front`` for the front matter (the title page and the contents: laid out
    together, ``chapter_layout.units_of``)."""
    kinds = set(part.epub_type.split())
    classes = f"part part-{part.id}"
    if part.id == "title" or "toc" in kinds:
        classes += " part-front"
    if not kinds & {"titlepage", "frontmatter", "bodymatter"}:
        classes += " part-appendix"
    elif part.id not in ("title", "article"):
        classes += " part-chapter"
    return classes


_FIRST_HEADING = re.compile(r"<(h[1-6])\b")
_FIRST_ELEMENT = re.compile(r"<([a-zA-Z][\w-]*)\b")


def _running_title(body: str, title: str) -> str:
    """``body`` with the part's running head (``data-running-title``, print.css's
    ``string-set``) on its first heading, else its first element. Set on the section,
    WeasyPrint would set it again on every page the section reaches, and
    ``string(running-title, first-except)`` would leave every page without a head; on a
    heading it is set once, on the page the part opens on, which shows none."""
    found = _FIRST_HEADING.search(body) or _FIRST_ELEMENT.search(body)
    if found is None:
        return body
    return (body[:found.end()] + f' data-running-title="{html.escape(title)}"'
            + body[found.end():])


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
    from .math import drawn_for_print

    sections = []
    for part in parts:
        # An ornament's Figure is found by this alt and made an artifact (``pdftags``).
        body = part.html.replace('<img role="presentation" alt=""',
                                 f'<img role="presentation" alt="{ORNAMENT_ALT}"')
        body = _running_title(body, part.title)
        # WeasyPrint sets no MathML: each formula drawn as outlines (SVG).
        sections.append(f'<section class="{part_classes(part)}" id="{PART_ID_PREFIX}{part.id}" '
                        f'data-title="{esc(part.title)}">\n{drawn_for_print(body)}\n'
                        '</section>')
    # dir="rtl" lays a right-to-left language out mirrored: WeasyPrint starts on a left
    # (recto) page and Pango orders mixed-direction lines by the Unicode bidi algorithm.
    # A language with no hyphenation patterns (or too sparse ones) is set ragged
    # (print.css: .ragged): justified, its lines would open rivers of space.
    ragged = "" if justified(meta.lang) else ' class="ragged"'
    return (f'<!DOCTYPE html>\n<html lang="{esc(meta.lang)}" dir="{meta.direction}"{ragged}>\n'
            f'<head>{"".join(head)}</head>\n'
            f'<body>\n{"".join(sections)}\n</body>\n</html>\n')


def chosen_paper(doc: Document, styles) -> Paper | None:
    """The paper chosen for ``doc``: ``--paper`` (the house style's ``paper``), else the
    front-matter's ``print: paper``, else the theme's; None when none is chosen, and
    print.css's own ``@page`` (A4) applies."""
    chosen = getattr(styles, "paper", None)
    if chosen is None and doc.meta.print is not None:
        chosen = doc.meta.print.paper
    if chosen is None and getattr(styles, "theme", None) is not None:
        chosen = styles.theme.paper
    return paper(chosen) if chosen else None


def paper_of(doc: Document, styles) -> Paper:
    """The paper ``doc`` is laid out on (A4 when none is chosen)."""
    return chosen_paper(doc, styles) or paper(DEFAULT_PAPER)


def stylesheet(styles, on: Paper | None, bleed_mm: float = 0.0, lang: str = "en") -> str:
    """The print stylesheet: the book face, print.css, the page rules of paper ``on``
    (none: print.css's own) and the bleed, then the theme (typeface, size); page numbers
    in the digits of language ``lang`` (Persian digits in a Persian edition)."""
    from ..i18n import words

    pages = page_css(on) if on is not None else ""
    if bleed_mm:
        pages += f"@page {{ bleed: {bleed_mm:g}mm; }}\n"
    return native_digits(font_face_css() + styles.css("print.css", "pdf", before_theme=pages),
                         words(lang).counter_style)


#: A page counter in CSS without a style: counter(page), target-counter(..., page).
_PAGE_COUNTER = re.compile(r"((?<![-\w])(?:target-)?counter\((?:[^()]|\([^()]*\))*?"
                           r"\bpages?)\s*\)")


def native_digits(css: str, style: str) -> str:
    """``css`` with every page counter written in counter style ``style``."""
    if style == "decimal":
        return css
    return _PAGE_COUNTER.sub(rf"\1, {style})", css)


#: Layouts after the first that may set paragraphs again where their lines broke badly
#: (see ``breaks``): each costs a full layout, and is only run when the one before
#: found faults. A loose line may take two (hyphenated eagerly, then ragged).
_BREAK_PASSES = 5


def lay_out(doc: Document, parts, stylesheet: str, timestamp: int,
            output_intent: str | None = None):
    """Lay ``parts`` out in pages with ``stylesheet`` (CSS text, see ``stylesheet``).

    ``output_intent`` ("srgb") names the colour profile a PDF/X file declares.
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
        from .page_styles import install

        install()  # each page's styles in constant time (WeasyPrint's walk every element)
        register()  # the exporter's own hyphenation patterns, beside Pyphen's
        fetcher = resource_fetcher(doc)
        # @font-face rules take effect only through a font configuration shared by the
        # stylesheet and the layout; the fonts come through the same fetcher.
        fonts = font_configuration()
        source = weasyprint.HTML(string=print_html(doc, parts, timestamp),
                                 url_fetcher=fetcher, base_url=RESOURCE_SCHEME)
        css = weasyprint.CSS(string=stylesheet, font_config=fonts, url_fetcher=fetcher,
                             base_url=RESOURCE_SCHEME)
        options = {"output_intent": output_intent} if output_intent else {}
        document = source.render(stylesheets=[css], font_config=fonts, **options)
        for _ in range(_BREAK_PASSES):
            if not set_again(document):
                break
            document = source.render(stylesheets=[css], font_config=fonts, **options)
        return document, source.etree_element
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise cause if isinstance(cause, SecurityError) else SecurityError(
            str(exc), file=doc.source) from None
    finally:
        sys.setrecursionlimit(saved)


def print_page_starts(doc: Document, parts, styles, timestamp: int) -> tuple:
    """Where the print edition's pages begin (``pagination.PageStart``s), from a layout
    of the parts made for that alone: for a screen edition built without the PDF."""
    from .pagination import page_starts

    document, root = lay_out(doc, parts, stylesheet(styles, chosen_paper(doc, styles),
                                                    lang=doc.meta.lang), timestamp)
    return page_starts(document, root, PART_ID_PREFIX)


def page_count(data: bytes) -> int:
    """Pages in a PDF (qpdf reads the page tree, not every object: pypdf parsed each link
    annotation and took longer than the layout on a book)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def warm_up() -> None:
    """Load WeasyPrint and lay out a line in the editions' fonts before there is a
    document: the first layout of a process loads the fonts and fills Pango's caches."""
    import weasyprint
    import weasyprint.urls  # noqa: F401
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            data = font_file(url[len(FONT_SCHEME):]) if url.startswith(FONT_SCHEME) else None
            if data is None:
                raise SecurityError(f"refused to fetch {url!r} while warming up")
            return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})

    fetcher = FontFetcher(fail_on_errors=True, allowed_protocols=(FONT_SCHEME[:-1],))
    fonts = font_configuration()
    css = weasyprint.CSS(string=font_face_css() + 'p { font-family: "Literata", serif; }',
                         font_config=fonts, url_fetcher=fetcher, base_url=FONT_SCHEME)
    weasyprint.HTML(string='<p lang="en">Warm <b>up</b> <i>fonts</i></p>',
                    url_fetcher=fetcher).render(stylesheets=[css], font_config=fonts
                                                ).write_pdf()
    release_font_folders()


def _link_descriptions(parts) -> dict[str, str]:
    """Link target id -> what the link says it leads to (its accessible name).

    PDF/UA wants every link annotation described (/Contents); WeasyPrint writes the
    target's id there ("gref-lachin-corridor-2"), which means nothing read aloud.
    """
    import lxml.html

    found: dict[str, str] = {}
    for part in parts:
        if "<a" not in part.html:
            continue
        root = lxml.html.fragment_fromstring(part.html, create_parent="div")
        for link in root.iter("a"):
            href = link.get("href") or ""
            target = href[1:] if href.startswith("#") else href
            name = link.get("aria-label") or link.get("title") or " ".join(
                link.text_content().split())
            if target and name:
                found.setdefault(target, name)
    return found


def _stable_xmp_ids(pdf, identifier: str) -> None:
    """Replace the random ``xmpMM:DocumentID`` WeasyPrint writes into a PDF/X-4's XMP
    (``uuid4``) by one derived from the article's identifier: same inputs, same bytes."""
    import re
    import uuid

    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}".encode()
    for obj in pdf.objects:
        if getattr(obj, "extra", {}).get("Type") == "/Metadata":
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, part)
                          if isinstance(part, bytes) else part for part in obj.stream]


def _describe_links(descriptions: dict[str, str], identifier: str = "",
                    direction: str = "ltr"):
    """A WeasyPrint finisher that gives every link annotation its description, the
    document its page labels and its XMP a stable document id; a right-to-left
    document is shown two pages side by side with the first on the right (/R2L)."""
    import pydyf

    def finish(_document, pdf) -> None:
        if identifier:
            _stable_xmp_ids(pdf, identifier)
        if direction == "rtl":  # beside PDF/UA's DisplayDocTitle, if WeasyPrint set it
            preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
            preferences["Direction"] = "/R2L"
            pdf.catalog["ViewerPreferences"] = preferences
        # Page labels as the folios number the pages (a book laid out by chapter has
        # them too, see ``pdfmerge``).
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(
            [0, pydyf.Dictionary({"S": "/D"})])})
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Link":
                target = obj.get("Contents")
                target = target.string if isinstance(target, pydyf.String) else None
                if target in descriptions:
                    obj["Contents"] = pydyf.String(descriptions[target])

    return finish


def contents_pages(document) -> frozenset[int]:
    """The indices of the pages that hold a collection's contents page: from the page
    its part starts on to the page before the next part starts."""
    first = None
    for index, page in enumerate(document.pages):
        starts = [a for a in page.anchors if a.startswith(PART_ID_PREFIX)]
        if first is None and f"{PART_ID_PREFIX}contents" in starts:
            first = index
        elif first is not None and starts:
            return frozenset(range(first, index))
    return frozenset(range(first, len(document.pages))) if first is not None else frozenset()


def write_pdf(document, doc: Document, parts, timestamp: int, variant: str | None,
              tagged: bool = True, output_intent: str | None = None) -> bytes:
    """The laid-out ``document`` as PDF bytes in ``variant`` ("pdf/ua-1", "pdf/x-4"),
    reproducibly (same inputs, same bytes), links described for screen readers."""
    import os

    # fontTools stamps embedded font subsets with "now" unless SOURCE_DATE_EPOCH is set.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(timestamp)
    try:
        identifier = doc.meta.stable_identifier(doc.slug)
        data = document.write_pdf(pdf_identifier=identifier.encode(),
                                  pdf_variant=variant, pdf_tags=tagged,
                                  **({"output_intent": output_intent} if output_intent else {}),
                                  finisher=_describe_links(_link_descriptions(parts),
                                                           identifier, doc.meta.direction))
        release_font_folders()  # the fonts are in the PDF now
        return finish_tags(data, contents_pages(document)) if tagged else data
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
