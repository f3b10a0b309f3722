"""Deterministic benchmark inputs: a book-length source and a batch of small articles.

Both generators write a source folder that ``exporter build`` accepts as it is:

- the front-matter is the sample article's (``source/*.md``), re-dumped with a new
  title, so every key the schema knows (glossary and map settings included) is there;
- every supporting file of the sample's folder (``glossary.yml``, ``places.yml``,
  ``maps/``, images) is copied beside the generated Markdown, so glossary terms and
  maps resolve as they do for the sample;
- the body is made by a seeded ``random.Random``: the same call writes the same bytes.

Usage::

    python bench/generate.py book  OUT_DIR [--pages 150]
    python bench/generate.py batch OUT_DIR [--n 50]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "source"

#: Words of generated prose per printed A4 page of the PDF edition (10.5 pt serif,
#: 24 mm margins, with the headings, lists, tables and notes mixed in below);
#: measured on the PDF edition, see ``bench/README.md``.
WORDS_PER_PAGE = 365

#: Glossary used when the sample folder defines no glossary terms at all.
FALLBACK_GLOSSARY = [
    ("Lachin Corridor", "The only road linking Armenia with Nagorno-Karabakh.", ["Lachin road"]),
    ("line of contact", "The front line separating the two sides' forces since 1994.", []),
    ("Khankendi", "The main city of Nagorno-Karabakh.", ["Stepanakert"]),
    ("ceasefire", "An agreement to stop fighting, often temporary.", ["truce"]),
    ("enclave", "A territory surrounded entirely by another state's territory.", []),
    ("ombudsman", "An official who investigates complaints against public bodies.", []),
    ("blockade", "The closing of a place's routes to stop people and goods passing.", []),
    ("South Caucasus", "The region between the Black and Caspian Seas.", ["Transcaucasia"]),
    ("peacekeepers", "Foreign troops deployed to monitor a ceasefire.", []),
    ("Minsk Group", "The OSCE body that mediated the conflict from 1992.", []),
]

_WORDS = """
the of and to in a that for on with as was by it said from at be an have has this are
which their were its after been had but not more they who also other would one two there
into over between since about against than could when first all new government region
officials military forces people border city road village ministry talks peace war
reported local statement agreement security population residents civilians capital
ceasefire humanitarian supplies access convoy aid corridor negotiations week months
year international mission observers territory control troops positions artillery
shelling positions defence foreign minister president parliament election history
mountain river valley bridge checkpoint journalists families refugees homes schools
hospital electricity gas water food medicine prices market winter summer spring autumn
according sources confirmed denied accused warned urged called announced agreed began
continued remained returned crossed opened closed held visited described estimated
""".split()

_NAMES = ["Armenia", "Azerbaijan", "Georgia", "Russia", "Turkey", "Iran", "Baku",
          "Yerevan", "Goris", "Lachin", "Aghdam", "Shusha", "Martuni", "Tbilisi"]

_TOPICS = ["roads", "water", "elections", "trade", "schools", "borders", "energy",
           "refugees", "archives", "markets", "railways", "mountains", "treaties"]


# ---------------------------------------------------------------------------------
# The sample's folder: front-matter and supporting files


def sample_source(source_dir: Path = SOURCE_DIR) -> Path:
    """The sample article: the first ``*.md`` of the source folder, by name."""
    found = sorted(p for p in Path(source_dir).glob("*.md") if p.is_file())
    if not found:
        raise FileNotFoundError(f"no *.md in {source_dir}")
    return found[0]


def sample_front_matter(source_dir: Path = SOURCE_DIR) -> dict:
    """The sample's front-matter as a mapping (keys in the order written)."""
    text = sample_source(source_dir).read_text("utf-8")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ValueError("the sample has no front-matter")
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return yaml.safe_load("\n".join(lines[1:i])) or {}
    raise ValueError("the sample's front-matter is not closed")


def copy_support(dest: Path, source_dir: Path = SOURCE_DIR) -> None:
    """Copy every file of the sample folder except Markdown sources (bytes only)."""
    source_dir = Path(source_dir)
    for path in sorted(source_dir.rglob("*")):
        rel = path.relative_to(source_dir)
        if path.is_dir() or (path.suffix == ".md" and len(rel.parts) == 1):
            continue
        if path.name.endswith(".collection.yml"):
            continue  # a collection names the sample's articles, which are not copied
        if any(part.startswith(".") for part in rel.parts):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def glossary_terms(meta: dict, source_dir: Path = SOURCE_DIR) -> list[str]:
    """Terms and aliases the generated text should use: the sample's glossary entries."""
    settings = meta.get("glossary") or {}
    entries = list(settings.get("entries") or [])
    shared = source_dir / (settings.get("file") or "glossary.yml")
    if shared.is_file():
        data = yaml.safe_load(shared.read_text("utf-8")) or {}
        entries = list(data.get("entries") or []) + entries
    names: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("term"):
            continue
        names.append(" ".join(str(entry["term"]).split()))
        aliases = entry.get("aliases") or []
        for alias in [aliases] if isinstance(aliases, (str, dict)) else aliases:
            name = alias.get("name") if isinstance(alias, dict) else alias
            if name:
                names.append(" ".join(str(name).split()))
    return names


def _write_fallback_glossary(dest: Path) -> list[str]:
    data = {"entries": [{"term": t, "definition": d, **({"aliases": a} if a else {})}
                        for t, d, a in FALLBACK_GLOSSARY]}
    (dest / "glossary.yml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88), "utf-8")
    return [n for t, _, a in FALLBACK_GLOSSARY for n in (t, *a)]


def _prepare_folder(dest: Path, source_dir: Path) -> tuple[dict, list[str]]:
    """Copy the support files; return the sample's front-matter and the glossary names."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    copy_support(dest, source_dir)
    meta = sample_front_matter(source_dir)
    terms = glossary_terms(meta, source_dir)
    if not terms:
        terms = _write_fallback_glossary(dest)
    return meta, terms


def _front_matter(meta: dict, **changes) -> str:
    data = dict(meta)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88) + "---\n"


# ---------------------------------------------------------------------------------
# Text


class _Writer:
    """Seeded prose: sentences, paragraphs, lists, tables and footnotes."""

    def __init__(self, seed: int, terms: list[str]):
        self.rng = random.Random(seed)
        self.terms = terms
        self.words = 0

    def sentence(self, lo: int = 9, hi: int = 24) -> str:
        rng = self.rng
        n = rng.randint(lo, hi)
        words = [rng.choice(_WORDS) for _ in range(n)]
        if rng.random() < 0.45:
            words[rng.randrange(1, n)] = rng.choice(_NAMES)
        if self.terms and rng.random() < 0.18:
            words[rng.randrange(1, n)] = rng.choice(self.terms)
        if rng.random() < 0.08:
            i = rng.randrange(1, n)
            words[i] = f"*{words[i]}*"
        if rng.random() < 0.05:
            words[rng.randrange(1, n)] = f"{rng.randint(2, 1990):,}"
        self.words += n
        text = " ".join(words)
        return text[0].upper() + text[1:] + ("?" if rng.random() < 0.05 else ".")

    def paragraph(self, lo: int = 3, hi: int = 7) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def bullet_list(self, ordered: bool = False) -> str:
        items = []
        for i in range(self.rng.randint(3, 6)):
            mark = f"{i + 1}." if ordered else "-"
            items.append(f"{mark} {self.sentence(5, 14)}")
        return "\n".join(items)

    def table(self, caption: str) -> str:
        rng = self.rng
        rows = ["| Place | Year | Residents | Note |", "|:--|--:|--:|:--|"]
        for _ in range(rng.randint(4, 8)):
            note = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5)))
            rows.append(f"| {rng.choice(_NAMES)} | {rng.randint(1920, 2023)} | "
                        f"{rng.randint(100, 99_000):,} | {note} |")
            self.words += 8
        return "\n".join(rows) + f"\n\n: {caption}"

    def quote(self) -> str:
        return "> " + self.sentence(12, 30)


def _chapter(w: _Writer, number: int, words: int) -> str:
    """One chapter of about ``words`` words: sections, lists, a table, footnotes."""
    rng = w.rng
    topic = _TOPICS[number % len(_TOPICS)]
    place = _NAMES[number % len(_NAMES)]
    out = [f"# Chapter {number}: {place} and the {topic}"]
    notes: list[str] = []
    start = w.words
    section = 0
    while w.words - start < words:
        section += 1
        out.append(f"## {number}.{section} {rng.choice(_NAMES)}: {rng.choice(_TOPICS)}")
        for _ in range(rng.randint(2, 4)):
            para = w.paragraph()
            if rng.random() < 0.35:
                label = f"c{number}n{len(notes) + 1}"
                para = para[:-1] + f"[^{label}]" + para[-1]
                notes.append(f"[^{label}]: {w.sentence(8, 20)}")
            out.append(para)
        kind = section % 4
        if kind == 0:
            out.append(w.bullet_list())
        elif kind == 1:
            out.append(w.table(f"Table {number}.{section}: {rng.choice(_TOPICS)} by place"))
        elif kind == 2:
            out.append(w.bullet_list(ordered=True))
        else:
            out.append(w.quote())
        if section % 3 == 0:
            out.append(f"### {rng.choice(_TOPICS).capitalize()} in {rng.choice(_NAMES)}")
            out.append(w.paragraph())
    out.extend(notes)
    return "\n\n".join(out)


# ---------------------------------------------------------------------------------
# Public generators


def book(path: Path, pages: int = 150, *, source_dir: Path = SOURCE_DIR,
         seed: int = 20230919) -> Path:
    """Write a book-length source (about ``pages`` printed pages) into folder ``path``.

    Returns the Markdown file. The same arguments write the same bytes.
    """
    path = Path(path)
    meta, terms = _prepare_folder(path, source_dir)
    w = _Writer(seed, terms)
    total = max(1, pages) * WORDS_PER_PAGE
    per_chapter = 2500 if total >= 10_000 else max(400, total // 4)
    chapters = max(1, round(total / per_chapter))
    parts = []
    for number in range(1, chapters + 1):
        parts.append(_chapter(w, number, per_chapter))
    title = f"The South Caucasus, {chapters} chapters: a benchmark book"
    md = path / "benchmark-book.md"
    md.write_text(_front_matter(meta, title=title, identifier=None) + "\n"
                  + "\n\n".join(parts) + "\n", "utf-8")
    return md


def batch(path: Path, n: int = 50, *, source_dir: Path = SOURCE_DIR,
          seed: int = 20231001, words: int = 600) -> list[Path]:
    """Write ``n`` small articles (about ``words`` words each) into folder ``path``.

    Returns the Markdown files, in name order. The same arguments write the same bytes.
    """
    path = Path(path)
    meta, terms = _prepare_folder(path, source_dir)
    written = []
    for i in range(1, n + 1):
        w = _Writer(seed + i, terms)
        paras = []
        while w.words < words:
            paras.append(w.paragraph(2, 5))
            if len(paras) == 3:
                paras.append(w.bullet_list())
        paras[1] = paras[1][:-1] + "[^1]" + paras[1][-1]
        paras.append(f"[^1]: {w.sentence(8, 16)}")
        md = path / f"article-{i:03d}.md"
        md.write_text(_front_matter(meta, title=f"Benchmark article {i}: {_NAMES[i % len(_NAMES)]}",
                                    identifier=None) + "\n" + "\n\n".join(paras) + "\n",
                      "utf-8")
        written.append(md)
    return written


def collection(path: Path, n: int = 12, *, source_dir: Path = SOURCE_DIR,
               seed: int = 20231001) -> tuple[Path, list[Path], Path]:
    """``n`` articles (as ``batch``), a collection of them and, for plain pandoc, the
    same articles concatenated into one Markdown file (each article's title a heading).

    Returns (the collection file, the articles, the concatenated file).
    """
    path = Path(path)
    articles = batch(path, n, source_dir=source_dir, seed=seed)
    lines = ["title: Benchmark collection", "date: 2023-10-01", "lang: en-GB",
             "introduction: A generated collection for the benchmark.", "articles:"]
    lines += [f"  - {md.name}" for md in articles]
    book_file = path / "benchmark.collection.yml"
    book_file.write_text("\n".join(lines) + "\n", "utf-8")
    parts = ["---\ntitle: Benchmark collection\nlang: en-GB\n---\n"]
    for md in articles:
        front, body = md.read_text("utf-8").split("\n---\n", 1)
        title = next(line for line in front.splitlines() if line.startswith("title:"))
        # Footnote labels are per file; numbered apart so that they stay distinct.
        body = body.replace("[^1]", f"[^{md.stem}]")
        parts.append(f"# {title[len('title:'):].strip()}\n\n{body}")
    concatenated = path / "concatenated.md.txt"
    concatenated.write_text("\n\n".join(parts), "utf-8")
    return book_file, articles, concatenated


def collection_articles(book_file: Path) -> list[Path]:
    """The articles a collection file lists."""
    data = yaml.safe_load(Path(book_file).read_text("utf-8"))
    return [Path(book_file).parent / name for name in data["articles"]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p_book = sub.add_parser("book", help="a book-length source folder")
    p_book.add_argument("out", type=Path)
    p_book.add_argument("--pages", type=int, default=150)
    p_batch = sub.add_parser("batch", help="a folder of small articles")
    p_batch.add_argument("out", type=Path)
    p_batch.add_argument("--n", type=int, default=50)
    args = parser.parse_args(argv)
    if args.what == "book":
        print(book(args.out, args.pages))
    else:
        print(f"{len(batch(args.out, args.n))} articles in {args.out}")


if __name__ == "__main__":
    main()
