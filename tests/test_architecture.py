"""The package's layout keeps the pipeline's order (docs/architecture.md).

Every import in ``exporter/`` is read from the source (module level, inside functions and
under ``TYPE_CHECKING``) and checked against ``STAGES``, the one declaration of the order:
no module imports a later stage's, no import circle, no adapter imports another, and
``read/`` knows no output format.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "exporter"

#: The stages, first to last: a module may import from its own stage and earlier ones.
#: A module belongs to the stage of its longest prefix listed here.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    # What every stage uses: the document model, errors, YAML with lines, the cache, the
    # editions' words in the reader's language.
    ("core", ("exporter", "exporter.data", "exporter.document", "exporter.errors",
              "exporter.slug", "exporter.yamlfile", "exporter.cache", "exporter.pandoc",
              "exporter.reproducible", "exporter.i18n", "exporter.paths")),
    # The project's settings, styles, paper sizes and typefaces.
    ("house", ("exporter.house",)),
    # What the front-matter's ``glossary:`` and ``maps:`` sections mean: the
    # enrichments declare them, read/ validates them with the rest of the front-matter.
    ("declarations", ("exporter.glossary.model", "exporter.maps.spec",
                      "exporter.maps.validation")),
    ("read", ("exporter.read",)),
    # Documents from other tools made into sources (``exporter import``): it reads each
    # article back as the build would.
    ("import", ("exporter.importing",)),
    ("enrichments", ("exporter.glossary", "exporter.maps")),
    ("enrich", ("exporter.enrich",)),
    ("typeset", ("exporter.typeset",)),
    ("adapters", ("exporter.adapters",)),
    ("publish", ("exporter.publish",)),
    ("run", ("exporter.run",)),
    ("commands", ("exporter.cli", "exporter.__main__")),
]
#: Libraries that write an output format: read/ never imports them.
FORMAT_LIBRARIES = ("ebooklib", "weasyprint", "docx", "pikepdf", "pypdf", "pydyf", "cairosvg")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, child.end_lineno + 1))
    return lines


def _imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported name, line, only for type checking) of every import in module ``name``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from . import x" imports the submodule x when there is one.
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module
                       for a in node.names]
        else:
            continue
        for target in targets:
            found.append((target, node.lineno, node.lineno in typing_only))
    return found


def _own(target: str) -> str | None:
    """The exporter module an imported name belongs to (None: another library)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _stage(module: str) -> int:
    best = (-1, -1)
    for index, (_name, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), index))
    if best[0] < 0:
        raise AssertionError(f"{module} is in no stage: add it to STAGES")
    return best[1]


GRAPH = {name: [(own, line, typing) for target, line, typing in _imports(name)
                if (own := _own(target)) is not None and own != name]
         for name in MODULES}


def test_every_module_belongs_to_a_stage():
    # "exporter" itself matches everything; a top-level module must be listed by name.
    listed = {p for _n, prefixes in STAGES for p in prefixes}
    top = {".".join(name.split(".")[:2]) for name in MODULES if name != "exporter"}
    unlisted = sorted(t for t in top
                      if t not in listed and not any(p.startswith(t + ".") for p in listed))
    assert unlisted == [], "place these in STAGES (tests/test_architecture.py)"


def test_imports_never_climb_to_a_later_stage():
    # Annotations may name a later stage's types (the Document's Metadata): under
    # TYPE_CHECKING they never run. Every other import counts, inside functions too.
    climbs = [f"{MODULES[name].relative_to(PACKAGE.parent)}:{line}: {name} "
              f"({STAGES[_stage(name)][0]}) imports {target} ({STAGES[_stage(target)][0]})"
              for name, edges in GRAPH.items() for target, line, typing in edges
              if not typing and _stage(target) > _stage(name)]
    assert climbs == []


def test_no_import_circle():
    # Type-only imports count here: a circle of annotations is still a tangle.
    edges = {name: sorted({target for target, _l, _t in targets
                           if not name.startswith(target + ".")})  # a package's own parent
             for name, targets in GRAPH.items()}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert circles == []


def test_adapters_never_import_each_other():
    adapters = {name for name in MODULES if name.startswith("exporter.adapters.")}
    crossing = [f"{name} imports {target}" for name in adapters
                for target, _l, _t in GRAPH[name] if target in adapters]
    assert crossing == []


def test_read_knows_no_output_format():
    found = [f"{name}:{line} imports {target}"
             for name in MODULES if name.startswith("exporter.read")
             for target, line, _t in _imports(name)
             if target.split(".")[0] in FORMAT_LIBRARIES]
    assert found == []


@pytest.mark.parametrize("name", sorted(n for n, p in MODULES.items()
                                        if p.name == "__init__.py" and n != "exporter.data"
                                        and not n.startswith("exporter.data.")))
def test_each_package_says_what_it_takes_and_gives(name):
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text("utf-8")))
    assert doc and len(doc.split()) >= 8, f"{name}: say in its docstring what it is for"


def test_the_checks_see_a_climb_and_a_circle(monkeypatch):
    """The walker is not blind: an adapter importing the build, or two modules importing
    each other, is found."""
    fake = dict(GRAPH)
    fake["exporter.adapters.pdf"] = [*GRAPH["exporter.adapters.pdf"], ("exporter.run.build", 1, False)]
    assert _stage("exporter.run.build") > _stage("exporter.adapters.pdf")
    monkeypatch.setitem(globals(), "GRAPH", fake)
    with pytest.raises(AssertionError):
        test_imports_never_climb_to_a_later_stage()
    fake["exporter.run.build"] = [*GRAPH["exporter.run.build"], ("exporter.adapters.pdf", 1, False)]
    with pytest.raises(AssertionError):
        test_no_import_circle()
