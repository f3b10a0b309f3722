"""Page layout is linear in the number of pages: counted, not timed.

A document of n chapters, each on a right-hand page of its own (2n pages, with running
heads, page numbers and a contents list that cites every chapter's page), is laid out
by WeasyPrint with the exporter's replacements (``typeset.page_styles``) at n and 2n;
the lines run in WeasyPrint's page-making code (and in the replacements), counted with
``sys.settrace``, must grow like the pages, not like their square. The counts are the
same on any machine. Measured when this test was written (60 and 120 chapters, 123
and 245 pages): 2.04 with the replacements, 3.14 without.
"""

from __future__ import annotations

import sys

import pytest

CSS = """
@page { size: A5; margin: 20mm;
        @top-center { content: string(chapter) }
        @bottom-center { content: counter(page) } }
h1 { break-before: right; string-set: chapter content() }
a.toc::after { content: " " target-counter(attr(href), page) }
"""


def _html(n: int) -> str:
    toc = "".join(f'<li><a class="toc" href="#c{i}">Chapter {i}</a></li>' for i in range(n))
    body = "".join(f'<h1 id="c{i}">Chapter {i}</h1><p id="p{i}">Text of chapter {i}, '
                   f'long enough to be a line or two of a page.</p>' for i in range(n))
    return f"<html><body><ol>{toc}</ol>{body}</body></html>"


#: Where WeasyPrint does its work per page, and the exporter's replacements of parts of it.
_TRACED = ("weasyprint/layout/page.py", "weasyprint/layout/__init__.py",
           "exporter/typeset/page_styles.py")


def _calls(n: int) -> tuple[int, int]:
    """(lines run in the per-page code while laying out n chapters, pages)."""
    import weasyprint

    html = weasyprint.HTML(string=_html(n))
    css = weasyprint.CSS(string=CSS)
    count = 0

    def line(_frame, event, _arg):
        nonlocal count
        if event == "line":
            count += 1
        return line

    def call(frame, _event, _arg):
        name = frame.f_code.co_filename.replace("\\", "/")
        return line if name.endswith(_TRACED) else None

    sys.settrace(call)
    try:
        document = html.render(stylesheets=[css])
    finally:
        sys.settrace(None)
    return count, len(document.pages)


@pytest.mark.parametrize("n", [60])
def test_layout_calls_grow_like_the_pages(n):
    from exporter.typeset.page_styles import install

    install()
    _calls(8)  # WeasyPrint's first layout loads and caches what later ones reuse
    small, pages = _calls(n)
    large, more_pages = _calls(2 * n)
    assert more_pages >= 2 * pages - 2
    growth = large / small
    assert growth < 2.25, f"{small} calls for {pages} pages, {large} for {more_pages}"
