"""Press colour: the print-shop PDF in the colour of a CMYK offset press.

The layout draws in sRGB (the styles, the maps); a press prints cyan, magenta, yellow
and black. A shop converts what it is given, and text left in RGB grey comes out of
that conversion in four inks that never register exactly: small type blurs. So the
print-shop PDF is converted here, once, with the press profile the exporter ships
(``exporter/data/icc/FOGRA39L_coated.icc``: FOGRA39, coated paper, see its README):

- a neutral colour (grey to black: the text, the rules, the folios) becomes black ink
  alone, as much of it as prints the same lightness (from the profile; the text's
  near-black, darker than the press's black, is solid black);
- any other colour (the maps' water, roads, land) becomes the CMYK the profile gives
  for it (relative colorimetric, black point compensated);
- images stay RGB, described by the sRGB profile (``ICCBased``), as PDF/X-4 allows; the
  shop's RIP converts them with the output intent;
- the one output intent is FOGRA39 with this profile (the layout's sRGB intent goes),
  and the XMP identifies PDF/X-4 the way the standard asks (``pdfxid:GTS_PDFXVersion``
  only: ``GTS_PDFXConformance`` means nothing for X-4).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

PROFILE = Path(__file__).resolve().parent.parent / "data" / "icc" / "FOGRA39L_coated.icc"
#: The registered characterization the output intent names (ICC's registry).
CONDITION = "FOGRA39"
CONDITION_TEXT = ("Offset printing to ISO 12647-2:2004/Amd 1, paper types 1 and 2 "
                  "(coated), FOGRA39")
REGISTRY = "http://www.color.org"

#: Channel spread (0-1) under which an RGB colour counts as neutral (grey).
NEUTRAL_SPREAD = 0.02


@lru_cache(maxsize=1)
def _transforms():
    """(sRGB -> press CMYK, press CMYK -> Lab) with littleCMS (Pillow's ImageCms)."""
    from PIL import ImageCms

    srgb = ImageCms.createProfile("sRGB")
    lab = ImageCms.createProfile("LAB")
    press = ImageCms.ImageCmsProfile(io.BytesIO(PROFILE.read_bytes()))
    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION
    to_press = ImageCms.buildTransform(srgb, press, "RGB", "CMYK",
                                       ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=flags)
    to_lab = ImageCms.buildTransform(press, lab, "CMYK", "LAB",
                                     ImageCms.Intent.RELATIVE_COLORIMETRIC)
    return to_press, to_lab


@lru_cache(maxsize=1)
def _black_ramp() -> list[tuple[float, float]]:
    """(L*, black ink 0-1) for black ink alone, 0 to 100 %, lightest first."""
    from PIL import Image, ImageCms

    _to_press, to_lab = _transforms()
    steps = [Image.new("CMYK", (1, 1), (0, 0, 0, round(k * 255 / 100))) for k in range(101)]
    ramp = []
    for k, image in enumerate(steps):
        lightness = ImageCms.applyTransform(image, to_lab).getpixel((0, 0))[0] * 100 / 255
        ramp.append((lightness, k / 100))
    return ramp


def _lightness(grey: float) -> float:
    """CIE L* of an sRGB grey (0-1)."""
    linear = grey / 12.92 if grey <= 0.04045 else ((grey + 0.055) / 1.055) ** 2.4
    f = linear ** (1 / 3) if linear > 216 / 24389 else (24389 / 27 * linear + 16) / 116
    return 116 * f - 16


@lru_cache(maxsize=4096)
def press_colour(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """The CMYK (0-1) that prints sRGB colour (r, g, b): black ink alone for a neutral."""
    if max(r, g, b) - min(r, g, b) <= NEUTRAL_SPREAD:
        wanted = _lightness((r + g + b) / 3)
        ramp = _black_ramp()
        for (l0, k0), (l1, k1) in zip(ramp, ramp[1:]):
            if l1 <= wanted <= l0:
                share = (l0 - wanted) / (l0 - l1) if l0 != l1 else 0
                return 0.0, 0.0, 0.0, round(k0 + share * (k1 - k0), 4)
        return (0.0, 0.0, 0.0, 0.0) if wanted > ramp[0][0] else (0.0, 0.0, 0.0, 1.0)
    from PIL import Image, ImageCms

    to_press, _to_lab = _transforms()
    pixel = Image.new("RGB", (1, 1), tuple(round(min(max(v, 0), 1) * 255) for v in (r, g, b)))
    cmyk = ImageCms.applyTransform(pixel, to_press).getpixel((0, 0))
    return tuple(round(v / 255, 4) for v in cmyk)  # type: ignore[return-value]


#: Colour operators in DeviceRGB and DeviceGray, and their DeviceCMYK counterparts.
_TO_CMYK = {"rg": "k", "RG": "K", "g": "k", "G": "K"}


def _convert_stream(pdf, owner) -> bool:
    """Rewrite the colour operators of one content stream (a page or a form); True when
    something changed."""
    import pikepdf

    ops = pikepdf.parse_content_stream(owner)
    changed = False
    for index, (operands, operator) in enumerate(ops):
        target = _TO_CMYK.get(str(operator))
        if target is None:
            continue
        values = [float(v) for v in operands]
        cmyk = press_colour(*values) if len(values) == 3 else \
            (0.0, 0.0, 0.0, round(1 - values[0], 4))
        ops[index] = pikepdf.ContentStreamInstruction(list(cmyk), pikepdf.Operator(target))
        changed = True
    if changed:
        data = pikepdf.unparse_content_stream(ops)
        if isinstance(owner, pikepdf.Page):
            owner.obj.Contents = pdf.make_stream(data)
        else:
            owner.write(data)
    return changed


def _srgb_space(pdf):
    """``[/ICCBased <sRGB>]`` for the images (WeasyPrint's copy of the ICC's sRGB)."""
    import pikepdf
    from importlib.resources import files

    data = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    stream = pdf.make_stream(data)
    stream.N = 3
    return pikepdf.Array([pikepdf.Name.ICCBased, stream])


def _visit_resources(pdf, resources, seen: set, srgb) -> None:
    """Forms, tiling patterns and images under ``resources``, each once."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    children = list((resources.get("/XObject") or {}).values()) + \
        list((resources.get("/Pattern") or {}).values())
    for child in children:
        if not isinstance(child, pikepdf.Stream) and not isinstance(child, pikepdf.Dictionary):
            continue
        if child.objgen in seen:
            continue
        seen.add(child.objgen)
        if child.get("/Subtype") == "/Image":
            if child.get("/ColorSpace") == pikepdf.Name.DeviceRGB:
                child.ColorSpace = srgb
            continue
        if child.get("/Subtype") == "/Form" or child.get("/PatternType") == 1:
            _convert_stream(pdf, child)
            _blend_in_cmyk(child)
            _visit_resources(pdf, child.get("/Resources"), seen, srgb)


def _blend_in_cmyk(owner) -> None:
    """A transparency group blends in the press's space, not in RGB."""
    import pikepdf

    group = owner.get("/Group")
    if isinstance(group, pikepdf.Dictionary) and "/CS" in group:
        group.CS = pikepdf.Name.DeviceCMYK


def _output_intent(pdf) -> None:
    """The one output intent: FOGRA39, with the press profile."""
    import pikepdf

    profile = pdf.make_stream(PROFILE.read_bytes())
    profile.N = 4
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(CONDITION),
        OutputCondition=pikepdf.String(CONDITION_TEXT),
        RegistryName=pikepdf.String(REGISTRY),
        Info=pikepdf.String(f"{CONDITION} ({PROFILE.name})"),
        DestOutputProfile=profile)])


#: What the XMP of a PDF/X-4 must not carry: the PDF/X-3 era keys (pdfx namespace).
_OLD_PDFX = re.compile(rb"\s*<pdfx:GTS_PDFX(?:Version|Conformance)>[^<]*"
                       rb"</pdfx:GTS_PDFX(?:Version|Conformance)>")


def _x4_identification(pdf) -> None:
    """XMP ``pdfxid:GTS_PDFXVersion`` "PDF/X-4" alone; no X-3 keys in the Info either."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is not None:
        metadata.write(_OLD_PDFX.sub(b"", metadata.read_bytes()))
    for key in ("/GTS_PDFXConformance", "/GTS_PDFXVersion"):
        if key in pdf.docinfo:
            del pdf.docinfo[key]


def to_press(data: bytes) -> bytes:
    """The print-shop PDF ``data`` in press colour, with its FOGRA39 output intent."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set = set()
        srgb = _srgb_space(pdf)
        for page in pdf.pages:
            _convert_stream(pdf, page)
            _blend_in_cmyk(page.obj)
            _visit_resources(pdf, page.obj.get("/Resources"), seen, srgb)
        _output_intent(pdf)
        _x4_identification(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 fix_metadata_version=False)
        return out.getvalue()
