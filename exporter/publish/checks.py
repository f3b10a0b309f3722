"""Validators behind ``exporter check``: inspect editions as readers' software would."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import language_of_parts, script_checks


#: Formats whose editions must pass a validator before they replace the ones in the
#: output folder (``refuse_invalid``), and the validator's name.
VALIDATED = {"epub": "EPUBCheck"}


def refuse_invalid(fmt: str, data: bytes, name: str, validator=None):
    """Raise ``BuildError`` when edition ``data`` (to be written as ``name``) fails its
    format's validator: the build then leaves the previous edition in place. Returns
    the verdict (``epubcheck.Verdict``: its time and where it came from), or None for a
    format without a validator. ``validator`` is the build's warm EPUBCheck
    (``validator.Validator``), if it has one."""
    if fmt == "epub":
        from .epubcheck import refuse_invalid as epubcheck

        return epubcheck(data, name, validator)
    return None


def remember_inputs(fmt: str, inputs: str, data: bytes) -> None:
    """Remember that edition ``data`` of format ``fmt``, which passed its validator,
    was built from ``inputs`` (see ``foreseen``)."""
    if fmt == "epub":
        from .epubcheck import remember_inputs as remember

        remember(inputs, data)


def foreseen(fmt: str, inputs: str) -> bool:
    """Whether the verdict on an edition of ``fmt`` built from ``inputs`` is known before
    it is built (a format without a validator needs none)."""
    if fmt != "epub":
        return True
    from .epubcheck import foreseen as known

    return known(inputs)


def start_validator(formats) -> object | None:
    """A warm validator for a build that will write editions in ``formats`` (an EPUB:
    ``validator.Validator``, warming up from now on), or None when none is needed or
    none can run here (the check then runs in a subprocess). The caller closes it."""
    if "epub" not in set(formats):
        return None
    from .epubcheck import jar
    from .validator import Validator

    return Validator.start(jar())


@dataclass(frozen=True)
class Finding:
    """One problem found in an edition."""

    path: Path
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


def check_epub(path: Path, validator=None) -> list[Finding]:
    """W3C EPUBCheck: every error and warning is a finding (a verdict the build has
    already reached for these bytes is reused: see ``epubcheck``; ``validator``, a warm
    one, checks the others)."""
    from .epubcheck import findings as epubcheck

    findings = [Finding(path, level, message)
                for level, message in epubcheck(path, validator)]
    if not any(f.level in ("error", "fatal") for f in findings):
        findings += epub_accessibility(path)
        findings += epub_image_descriptions(path)
        with zipfile.ZipFile(path) as archive:
            findings += [Finding(path, level, message)
                         for level, message in script_checks.epub_findings(archive)
                         + language_of_parts.epub_findings(archive)]
    return findings


#: EPUB Accessibility 1.1 metadata every edition must declare.
_A11Y_REQUIRED = ("schema:accessMode", "schema:accessModeSufficient",
                  "schema:accessibilityFeature", "schema:accessibilityHazard",
                  "schema:accessibilitySummary", "dcterms:conformsTo")


def epub_accessibility(path: Path) -> list[Finding]:
    """The accessibility an EPUB declares, and whether its page list holds."""
    import posixpath

    import lxml.etree as etree

    opf_ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    xhtml = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding(path, "error", f"accessibility: {message}"))

    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_name = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_name))
        base = posixpath.dirname(opf_name)
        if not opf.get("{http://www.w3.org/XML/1998/namespace}lang"):
            error("the package has no xml:lang")
        declared: dict[str, list[str]] = {}
        for meta in opf.iterfind("opf:metadata/opf:meta[@property]", opf_ns):
            declared.setdefault(meta.get("property"), []).append((meta.text or "").strip())
        for prop in _A11Y_REQUIRED:
            if not any(declared.get(prop, [])):
                error(f"no {prop} metadata")
        if not any(v.startswith("EPUB Accessibility 1.1") for v in declared.get(
                "dcterms:conformsTo", [])):
            error("dcterms:conformsTo does not name EPUB Accessibility 1.1")
        features = set(declared.get("schema:accessibilityFeature", []))
        if "pageBreakMarkers" not in features:
            return findings
        if opf.find("opf:metadata/dc:source", opf_ns) is None:
            error("page-break markers declared without the source of the pagination "
                  "(dc:source)")
        nav_item = opf.find("opf:manifest/opf:item[@properties='nav']", opf_ns)
        nav_name = posixpath.join(base, nav_item.get("href"))
        nav = etree.fromstring(archive.read(nav_name))
        page_list = [n for n in nav.iterfind(".//h:nav", xhtml)
                     if "page-list" in (n.get(f"{{{xhtml['epub']}}}type") or "").split()]
        if not page_list:
            error("page-break markers declared but the navigation has no page-list")
            return findings
        documents: dict[str, object] = {}
        entries = page_list[0].iterfind(".//h:a", xhtml)
        count = 0
        for count, link in enumerate(entries, 1):
            file_name, _, fragment = link.get("href", "").partition("#")
            member = posixpath.normpath(posixpath.join(posixpath.dirname(nav_name), file_name))
            if member not in documents:
                try:
                    documents[member] = etree.fromstring(archive.read(member))
                except KeyError:
                    documents[member] = None
            target = documents[member]
            found = target.find(f".//*[@id='{fragment}']") if target is not None else None
            if found is None or found.get("role") != "doc-pagebreak":
                error(f"page-list entry {link.text!r} points at no page-break marker "
                      f"({link.get('href')})")
        if count == 0:
            error("the page-list is empty")
    return findings


#: Roles that mark an image as ornament only, hidden from screen readers.
_ORNAMENT_ROLES = {"presentation", "none"}


def epub_image_descriptions(path: Path) -> list[Finding]:
    """Every ``<img>`` of the EPUB has an ``alt``: a text description, or empty on an
    image marked as ornament (``role="presentation"``). An EPUB that holds an image
    without a description declares neither ``alternativeText`` nor conformance to
    WCAG (success criterion 1.1.1 fails)."""
    import posixpath

    import lxml.etree as etree

    xhtml = "{http://www.w3.org/1999/xhtml}"
    findings: list[Finding] = []
    undescribed = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith((".xhtml", ".html")):
                continue
            root = etree.fromstring(archive.read(name))
            for img in root.iter(f"{xhtml}img"):
                src = posixpath.basename(img.get("src", "?"))
                alt = img.get("alt")
                if alt is None:
                    undescribed += 1
                    findings.append(Finding(path, "error", f"accessibility: image {src} in "
                                            f"{name} has no alt attribute"))
                elif not alt.strip() and img.get("role") not in _ORNAMENT_ROLES:
                    undescribed += 1
                    findings.append(Finding(path, "error", f"accessibility: image {src} in "
                                            f"{name} has no text description (empty alt, "
                                            "not marked as ornament)"))
        if undescribed:
            container = etree.fromstring(archive.read("META-INF/container.xml"))
            opf = etree.fromstring(archive.read(
                container.find(".//{*}rootfile").get("full-path")))
            for meta in opf.iter("{http://www.idpf.org/2007/opf}meta"):
                prop, value = meta.get("property"), (meta.text or "").strip()
                if prop == "schema:accessibilityFeature" and value == "alternativeText":
                    findings.append(Finding(path, "error", "accessibility: declares "
                                            "alternativeText, but an image has none"))
                if prop == "dcterms:conformsTo" and "WCAG" in value:
                    findings.append(Finding(path, "error", f"accessibility: declares "
                                            f"{value!r}, but an image has no text "
                                            "description (WCAG 1.1.1)"))
    return findings


#: A picture's properties in a DOCX, and Word's mark of a decorative one.
_DOCX_PICTURE = re.compile(rb"<wp:docPr\b[^>]*?(?:/>|>.*?</wp:docPr>)", re.S)
_DOCX_DECORATIVE = re.compile(rb'<adec:decorative\b[^>]*\bval="1"')


def docx_image_descriptions(path: Path, document_xml: bytes) -> list[Finding]:
    """Every picture of the DOCX has a description (``wp:docPr/@descr``, Word's alt
    text) or is marked decorative (Word's ``adec:decorative``)."""
    findings = []
    for number, picture in enumerate(_DOCX_PICTURE.findall(document_xml), 1):
        descr = re.search(rb'\sdescr="([^"]*)"', picture)
        if (descr is None or not descr.group(1).strip()) \
                and not _DOCX_DECORATIVE.search(picture):
            findings.append(Finding(path, "error", f"accessibility: picture {number} has "
                                    "no alt text (descr) and is not marked decorative"))
    return findings


def _fonts(reader) -> tuple[set[str], set[str]]:
    """(embedded, not embedded) font names used on any page."""
    embedded: set[str] = set()
    missing: set[str] = set()

    def fonts_of(resources, depth=0):
        # Fonts of the page and of the forms it draws (an imposed booklet's pages).
        yield from (resources.get("/Font") or {}).values()
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form" and depth < 4:
                yield from fonts_of(xobject.get("/Resources") or {}, depth + 1)

    for page in reader.pages:
        for ref in fonts_of(page.get("/Resources") or {}):
            font = ref.get_object()
            name = str(font.get("/BaseFont", font.get("/Name", "?")))
            if font.get("/Subtype") == "/Type3":
                embedded.add(name)
                continue
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(name)
            else:
                missing.add(name)
    return embedded, missing


def check_pdf(path: Path) -> list[Finding]:
    """Opens; has pages, embedded fonts, extractable text, metadata and bookmarks."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = reader.pages
        count = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        return [Finding(path, "error", f"cannot be opened as PDF: {exc}")]
    findings = []
    if count == 0:
        findings.append(Finding(path, "error", "has no pages"))
    embedded, missing = _fonts(reader)
    for name in sorted(missing):
        findings.append(Finding(path, "error", f"font {name} is not embedded"))
    if not embedded:
        findings.append(Finding(path, "error", "uses no embedded fonts (no text?)"))
    text = "".join((page.extract_text() or "") for page in list(pages)[:3])
    if not text.strip():
        findings.append(Finding(path, "error", "no extractable text"))
    info = reader.metadata or {}
    for key in ("/Title",):
        if not info.get(key):
            findings.append(Finding(path, "error", f"metadata {key[1:]} is missing"))
    kind = pdf_kind(path)
    if not reader.outline and kind != "booklet":
        findings.append(Finding(path, "error", "has no bookmarks (outline)"))
    findings += pdf_page_edges(path)
    findings += [Finding(path, level, message)
                 for level, message in script_checks.pdf_findings(path)]
    if kind == "print":
        return findings + pdf_print_ready(path) + pdf_press_colour(path)
    if kind == "booklet":
        return findings  # imposed sheets: for a printer, not a reader (no tags, no UA)
    return findings + pdf_accessibility(path) + pdf_tagged_content(path)


def pdf_kind(path: Path) -> str:
    """"print" (the print-shop PDF), "booklet" (imposed sheets) or "pdf" (the edition),
    from the file name the build gives each (``<slug>-print.pdf``, ``<slug>-booklet.pdf``)."""
    for kind in ("print", "booklet"):
        if path.name.endswith(f"-{kind}.pdf"):
            return kind
    return "pdf"


def pdf_print_ready(path: Path) -> list[Finding]:
    """PDF/X-4 identification and output intent; on every page a TrimBox inside the
    BleedBox inside the MediaBox."""
    import pikepdf

    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding(path, "error", f"print: {message}"))

    with pikepdf.open(path) as pdf:
        xmp = pdf.open_metadata()
        version = str(xmp.get("pdfxid:GTS_PDFXVersion", "") or
                      pdf.docinfo.get("/GTS_PDFXVersion", ""))
        if not version.startswith("PDF/X-4"):
            error(f"not identified as PDF/X-4 (GTS_PDFXVersion {version or 'missing'})")
        if not pdf.Root.get("/OutputIntents"):
            error("no output intent (/OutputIntents)")
        for number, page in enumerate(pdf.pages, 1):
            boxes = {}
            for name in ("/MediaBox", "/BleedBox", "/TrimBox"):
                box = page.obj.get(name)
                if box is None:
                    error(f"page {number} has no {name[1:]}")
                    break
                boxes[name] = [float(v) for v in box]
            else:
                media, bleed, trim = boxes["/MediaBox"], boxes["/BleedBox"], boxes["/TrimBox"]

                def inside(a, b):
                    return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 \
                        and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01

                if not (inside(trim, bleed) and inside(bleed, media)):
                    error(f"page {number}: the TrimBox must lie inside the BleedBox, and "
                          "that inside the MediaBox")
    return findings


#: Operators that show text, and those that set the fill colour, by colour space.
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
_FILL_SPACES = {"rg": "DeviceRGB", "g": "DeviceGray", "k": "DeviceCMYK"}


def pdf_press_colour(path: Path) -> list[Finding]:
    """A print shop's preflight of colour for a CMYK press (PDF/X-4): one output intent,
    of a printer (``prtr``) CMYK profile; identified by ``pdfxid:GTS_PDFXVersion`` with
    no X-3 ``GTS_PDFXConformance``; no colour in DeviceRGB (fills, strokes, images,
    transparency groups: RGB must be ICC-based); no text in RGB; a warning for text in
    more inks than black (C, M or Y above 0)."""
    import pikepdf

    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding(path, "error", f"print: {message}"))

    with pikepdf.open(path) as pdf:
        intents = pdf.Root.get("/OutputIntents") or []
        if len(intents) != 1:
            error(f"{len(intents)} output intents (a PDF/X file has exactly one)")
        for intent in intents:
            profile = intent.get("/DestOutputProfile")
            head = profile.read_bytes()[:20] if profile is not None else b""
            if head[12:16] != b"prtr" or head[16:20] != b"CMYK":
                error(f"the output intent's profile is {head[12:16].decode('latin-1')!r} "
                      f"class in {head[16:20].decode('latin-1')!r}, not a printer's CMYK "
                      "profile")
        metadata = pdf.Root.get("/Metadata")
        xmp = metadata.read_bytes() if metadata is not None else b""
        if b"GTS_PDFXConformance" in xmp or "/GTS_PDFXConformance" in pdf.docinfo:
            error("GTS_PDFXConformance is set: it identifies PDF/X-1a and X-3, not X-4")
        if b"<pdfxid:GTS_PDFXVersion>PDF/X-4" not in xmp:
            error("the XMP metadata has no pdfxid:GTS_PDFXVersion PDF/X-4")

        rgb_text: set[int] = set()
        rich_text: set[int] = set()
        rgb_paint: set[int] = set()
        seen: set = set()

        def scan(owner, number: int) -> None:
            group = owner.get("/Group")
            if isinstance(group, pikepdf.Dictionary) and group.get("/CS") == \
                    pikepdf.Name.DeviceRGB:
                rgb_paint.add(number)
            fill: tuple = ("DeviceGray", (0.0,))
            saved: list = []
            for operands, operator in pikepdf.parse_content_stream(owner):
                op = str(operator)
                if op in _FILL_SPACES:
                    fill = (_FILL_SPACES[op], tuple(float(v) for v in operands))
                if op in ("rg", "RG") or (op in ("cs", "CS") and operands
                                          and operands[0] == pikepdf.Name.DeviceRGB):
                    rgb_paint.add(number)
                elif op == "q":
                    saved.append(fill)
                elif op == "Q" and saved:
                    fill = saved.pop()
                elif op in _SHOW_TEXT:
                    space, values = fill
                    if space == "DeviceRGB":
                        rgb_text.add(number)
                    elif space == "DeviceCMYK" and any(values[:3]):
                        rich_text.add(number)
            resources = owner.get("/Resources") or {}
            for kind in ("/XObject", "/Pattern"):
                for child in (resources.get(kind) or {}).values():
                    if child.objgen in seen:
                        continue
                    seen.add(child.objgen)
                    if child.get("/Subtype") == "/Image":
                        if child.get("/ColorSpace") == pikepdf.Name.DeviceRGB:
                            rgb_paint.add(number)
                    elif child.get("/Subtype") == "/Form" or child.get("/PatternType") == 1:
                        scan(child, number)

        for number, page in enumerate(pdf.pages, 1):
            try:
                scan(page, number)
            except pikepdf.PdfError:
                continue
        for level, label, pages in (
                ("error", "text in DeviceRGB (RGB text: four inks after the shop's "
                          "conversion)", rgb_text),
                ("warning", "text in more inks than black (fine for coloured type; "
                            "grey or black text must be black ink alone)", rich_text),
                ("error", "colour in DeviceRGB without a profile", rgb_paint)):
            if pages:
                shown = ", ".join(str(n) for n in sorted(pages)[:8])
                findings.append(Finding(path, level, f"print: {label} on "
                                        f"page{'s' if len(pages) > 1 else ''} {shown}"
                                        + (" ..." if len(pages) > 8 else "")))
    return findings


def pdf_accessibility(path: Path) -> list[Finding]:
    """Tagged PDF/UA-1: structure tree, language, title shown, XMP identification,
    alternative text on every figure, described links, header cells in tables."""
    import pikepdf

    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding(path, "error", f"accessibility: {message}"))

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return [Finding(path, "error", f"cannot be opened as PDF: {exc}")]
    with pdf:
        root = pdf.Root
        if not str(root.get("/Lang", "")).strip():
            error("no document language (/Lang)")
        mark_info = root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            error("not marked as tagged (/MarkInfo /Marked true)")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            error("viewers are not asked to show the title (/DisplayDocTitle)")
        xmp = pdf.open_metadata()
        if str(xmp.get("pdfuaid:part", "")) != "1":
            error("no PDF/UA-1 identification in the XMP metadata (pdfuaid:part)")
        if not str(xmp.get("dc:title", "")).strip():
            error("no dc:title in the XMP metadata")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            error("untagged: no structure tree (/StructTreeRoot)")
            return findings
        kinds: dict[str, int] = {}
        stack = [tree.get("/K")]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                kind = str(item.S)[1:]
                kinds[kind] = kinds.get(kind, 0) + 1
                if kind == "Figure" and not str(item.get("/Alt", "")).strip():
                    page = item.get("/Pg")
                    error("a figure has no alternative text (/Alt)"
                          + (f" on page {_page_number(pdf, page)}" if page is not None else ""))
                if "/K" in item:
                    stack.append(item.K)
        if not any(k in kinds for k in ("H1", "H", "H2")):
            error("no headings in the structure tree")
        if kinds.get("Table") and not kinds.get("TH"):
            error("a table has no header cells (TH)")
        for number, page in enumerate(pdf.pages, 1):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link":
                    if not str(annot.get("/Contents", "")).strip():
                        error(f"a link on page {number} has no description (/Contents)")
                    if "/StructParent" not in annot:
                        error(f"a link on page {number} is not in the structure tree")
    return findings


#: Pages from which an edition has running heads or folios to mark as artifacts.
_PAGINATED_FROM = 3


def pdf_tagged_content(path: Path) -> list[Finding]:
    """What a screen reader meets on each page (PDF/UA-1, ISO 14289-1 7.1, 7.5, 7.8):
    every piece of tagged content belongs to an element of the structure tree (running
    heads and folios are pagination artifacts, never content outside the tree, read
    aloud on every page); a document of several pages has pagination artifacts; every
    header cell (TH) has a /Scope; a table of contents (TOC) holds its entries (TOCI)."""
    import pikepdf

    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding(path, "error", f"accessibility: {message}"))

    with pikepdf.open(path) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return findings  # pdf_accessibility says so
        elements: dict[tuple[int, int], object] = {}
        parents: dict[tuple[int, int], object] = {}
        stack = [(tree.get("/K"), None)]
        while stack:
            item, parent = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend((kid, parent) for kid in item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if item.is_indirect:
                    if item.objgen in elements:
                        continue
                    elements[item.objgen] = item
                    parents[item.objgen] = parent
                if "/K" in item:
                    stack.append((item.K, item))
        rows: dict[int, object] = {}
        nodes = [tree.get("/ParentTree")]
        while nodes:
            node = nodes.pop()
            if node is None:
                continue
            nums = node.get("/Nums") or []
            for i in range(0, len(nums) - 1, 2):
                rows[int(nums[i])] = nums[i + 1]
            nodes.extend(node.get("/Kids") or [])
        pagination = 0
        for number, page in enumerate(pdf.pages, 1):
            row = rows.get(int(page.obj.get("/StructParents", -1)))
            stray = 0
            try:
                instructions = pikepdf.parse_content_stream(page)
            except pikepdf.PdfError:
                continue
            for operands, operator in instructions:
                if str(operator) != "BDC" or len(operands) != 2:
                    continue
                tag, props = operands
                if tag == pikepdf.Name.Artifact:
                    if isinstance(props, pikepdf.Dictionary) and \
                            props.get("/Type") == pikepdf.Name.Pagination:
                        pagination += 1
                    continue
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                if mcid is None:
                    continue
                owner = row[int(mcid)] if isinstance(row, pikepdf.Array) and \
                    int(mcid) < len(row) else None
                if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in elements:
                    stray += 1
            if stray:
                error(f"page {number}: {stray} piece(s) of tagged content belong to no "
                      "element of the structure tree (running heads and folios must be "
                      "/Artifact /Pagination)")
        if len(pdf.pages) >= _PAGINATED_FROM and not pagination:
            error("no running head or folio is marked as a pagination artifact")
        for objgen, element in elements.items():
            kind = str(element.S)
            if kind == "/TH":
                attributes = element.get("/A")
                attributes = list(attributes) if isinstance(attributes, pikepdf.Array) \
                    else [attributes]
                if not any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a
                           for a in attributes):
                    error("a table header cell (TH) has no /Scope"
                          + (f" on page {_page_number(pdf, element.Pg)}"
                             if "/Pg" in element else ""))
            elif kind == "/TOCI":
                parent = parents.get(objgen)
                if parent is None or str(parent.get("/S")) != "/TOC":
                    error("a table of contents entry (TOCI) is outside a TOC")
            elif kind == "/TOC":
                kids = element.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                if not any(isinstance(k, pikepdf.Dictionary) and k.get("/S") in
                           (pikepdf.Name.TOCI, pikepdf.Name.TOC) for k in kids):
                    error("a table of contents (TOC) has no entries (TOCI)")
    return findings


def _page_number(pdf, page_ref) -> int | str:
    for number, page in enumerate(pdf.pages, 1):
        if page.obj.objgen == page_ref.objgen:
            return number
    return "?"


def check_docx(path: Path) -> list[Finding]:
    """Opens in python-docx; uses real Word styles; core properties present."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
        if bad:
            return [Finding(path, "error", f"corrupt zip member {bad}")]
        document = docx.Document(io.BytesIO(path.read_bytes()))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, OSError) as exc:
        return [Finding(path, "error", f"cannot be opened as DOCX: {exc}")]
    findings = []
    used = {p.style.name for p in document.paragraphs if p.style is not None}
    if "Title" not in used:
        findings.append(Finding(path, "error", "no paragraph uses the Title style"))
    defined = {s.name for s in document.styles}
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        if style not in defined:
            findings.append(Finding(path, "error", f"style '{style}' is not defined"))
    core = document.core_properties
    if not core.title:
        findings.append(Finding(path, "error", "core property title is missing"))
    if not core.language:
        findings.append(Finding(path, "error", "core property language is missing"))
    if core.created is None:
        findings.append(Finding(path, "warning", "core property created is missing"))
    if not any(p.text.strip() for p in document.paragraphs):
        findings.append(Finding(path, "error", "has no text"))
    with zipfile.ZipFile(path) as archive:
        parts = archive.read("word/document.xml"), archive.read("word/styles.xml")
        findings += docx_image_descriptions(path, parts[0])
        findings += [Finding(path, level, message) for level, message in
                     script_checks.docx_findings(*parts)
                     + language_of_parts.docx_findings(*parts)]
    return findings


def check_html(path: Path) -> list[Finding]:
    """The web edition: HTML5 syntax, language and direction, text alternatives,
    nothing from outside the file, the news metadata (``html_checks``)."""
    from .html_checks import html_findings

    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Finding(path, "error", f"cannot be read: {exc}")]
    return [Finding(path, level, message) for level, message in html_findings(data)]


CHECKERS = {".epub": check_epub, ".pdf": check_pdf, ".docx": check_docx, ".html": check_html}


def check(path: Path, validator=None) -> list[Finding]:
    """Findings for one edition, chosen by its extension (``validator``: a warm
    EPUBCheck for the EPUBs, see ``start_validator``)."""
    checker = CHECKERS.get(path.suffix.lower())
    if not path.exists():
        return [Finding(path, "error", "no such file or folder (check the path)")]
    if checker is None:
        return [Finding(path, "error", "not an edition (expected .epub, .pdf, .docx or .html)")]
    if not path.is_file():
        return [Finding(path, "error", "is not a file")]
    if checker is check_epub:
        return check_epub(path, validator)
    return checker(path)


def worth_a_warm_validator(paths) -> bool:
    """Whether checking ``paths`` is quicker with a warm EPUBCheck: when two EPUBs or
    more have no cached verdict (each would cost a Java start-up of about 5 s of CPU;
    the warm one pays it once and then about 0.3 s an EPUB)."""
    from .epubcheck import cached

    return sum(1 for p in paths if p.suffix.lower() == ".epub" and p.is_file()
               and not cached(p)) >= 2


#: How far (points) a word or an image may reach past the page before it counts as
#: running off it: rounding in the layout, italic overhang.
_EDGE_TOLERANCE = 1.0


def _outside(box: tuple[float, float, float, float], page: tuple[float, float, float, float]
             ) -> bool:
    x0, y0, x1, y1 = box
    px0, py0, px1, py1 = page
    t = _EDGE_TOLERANCE
    return x0 < px0 - t or y0 < py0 - t or x1 > px1 + t or y1 > py1 + t


def _words_off_page(path: Path) -> list[tuple[int, str]]:
    """(page, word) for words whose box reaches outside the page (poppler's pdftotext)."""
    import shutil
    import subprocess

    import lxml.etree as etree

    if shutil.which("pdftotext") is None:
        return []
    result = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                            check=False)
    if result.returncode != 0:
        return []
    root = etree.fromstring(result.stdout, etree.XMLParser(recover=True, huge_tree=True))
    found = []
    for number, page in enumerate(root.iter("{*}page"), 1):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("{*}word"):
            box = tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            if _outside(box, (0, 0, width, height)):
                found.append((number, word.text or ""))
    return found


def _images_off_page(pdf) -> list[int]:
    """Pages on which an image is drawn (partly) outside the page's MediaBox."""
    import pikepdf

    def multiply(a, b):
        return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
                a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]

    def images(container, ctm, depth=0):
        resources = container.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        stack = []
        for operands, operator in pikepdf.parse_content_stream(container):
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q" and stack:
                ctm = stack.pop()
            elif op == "cm":
                ctm = multiply([float(v) for v in operands], ctm)
            elif op == "Do":
                xobject = xobjects.get(operands[0])
                if xobject is None:
                    continue
                subtype = xobject.get("/Subtype")
                if subtype == "/Image":
                    corners = [(x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5])
                               for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                    yield (min(xs), min(ys), max(xs), max(ys))
                elif subtype == "/Form" and depth < 8:
                    matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    yield from images(xobject, multiply(matrix, ctm), depth + 1)

    found = []
    for number, page in enumerate(pdf.pages, 1):
        box = tuple(float(v) for v in page.mediabox)
        try:
            if any(_outside(b, box) for b in images(page, [1, 0, 0, 1, 0, 0])):
                found.append(number)
        except pikepdf.PdfError:
            continue
    return found


def pdf_page_edges(path: Path) -> list[Finding]:
    """Text or images that run outside the page: content a reader would never see."""
    import pikepdf

    findings = []
    words = _words_off_page(path)
    by_page: dict[int, list[str]] = {}
    for number, word in words:
        by_page.setdefault(number, []).append(word)
    for number, found in sorted(by_page.items()):
        sample = " ".join(found[:4])
        findings.append(Finding(path, "error", f"text runs off page {number}: "
                                               f"{sample[:60]!r} ({len(found)} words)"))
    with pikepdf.open(path) as pdf:
        for number in _images_off_page(pdf):
            findings.append(Finding(path, "error", f"an image runs off page {number}"))
    return findings
