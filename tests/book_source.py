"""A long source written for these tests: a manual of many sections, three heading
levels, notes, lists, tables and links across sections."""

from __future__ import annotations

from pathlib import Path

PARAGRAPH = ("The road from Goris to Khankendi crosses the Lachin Corridor, and every "
             "convoy that used it was counted at the checkpoint by both sides. ")


def book_text(sections: int = 12, subsections: int = 3) -> str:
    """The Markdown of a manual with ``sections`` top-level sections."""
    out = ["---\ntitle: A Field Manual\ndate: 2023-09-19\nlang: en-GB\n---\n",
           "An introduction before the first section.\n"]
    for s in range(1, sections + 1):
        out.append(f"# Section {s} {{#section-{s}}}\n")
        out.append(f"Opening of section {s}, see [section {s % sections + 1}]"
                   f"(#section-{s % sections + 1}).[^n{s}]\n")
        for t in range(1, subsections + 1):
            out.append(f"## Part {s}.{t}\n")
            out.append((PARAGRAPH * 6) + "\n")
            out.append(f"### Detail {s}.{t}.1\n")
            out.append("- first item\n- second item with *emphasis*\n")
            out.append("| Date | Event |\n|---|---|\n| 19 September | operation |\n")
            out.append(f"#### Fine point {s}.{t}.1.1\n")
            out.append((PARAGRAPH * 4) + "\n")
        out.append(f"[^n{s}]: A note for section {s}.\n")
    return "\n".join(out)


def write_book(folder: Path, sections: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manual.md"
    path.write_text(book_text(sections), "utf-8")
    return path
