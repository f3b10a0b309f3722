"""Formulas (``$...$``, ``$$...$$``) checked when the source is read: one that cannot be
turned into MathML is a warning on its line, and is shown as its TeX source."""

from __future__ import annotations

from pathlib import Path


def _maths(node, found: list) -> None:
    if isinstance(node, list):
        for item in node:
            _maths(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Math":
            found.append(node["c"][1])
        else:
            _maths(node.get("c"), found)


def check_formulas(blocks: list, body: str, source: Path, body_line: int,
                   warnings: list[str]) -> None:
    """Warn, with its line, about each formula latex2mathml cannot convert."""
    found: list[str] = []
    _maths(blocks, found)
    if not found:
        return
    import latex2mathml.converter

    for tex in dict.fromkeys(found):
        try:
            latex2mathml.converter.convert(tex)
        except Exception as exc:  # noqa: BLE001 - latex2mathml raises many kinds
            pos = body.find(tex)
            where = f"{source}:{body_line + body.count(chr(10), 0, pos)}" if pos >= 0 \
                else str(source)
            shown = " ".join(tex.split())
            warnings.append(f"{where}: the formula '{shown[:60]}' cannot be set as math "
                            f"({str(exc) or type(exc).__name__}); it is shown as TeX (check "
                            "its braces and commands)")
