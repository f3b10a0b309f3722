"""The house style: the built-in stylesheets, DOCX template and map style, and a
project's own versions of them.

The built-in files are package data (``exporter/data/styles``, read with
``importlib.resources``). A project overrides any of them, each on its own, by putting
a file of the same name in a ``styles/`` folder beside its ``source/`` folder (or in
the folder given with ``--styles``); its ``exporter.yml`` may add a ``theme:``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from .theme import Theme

#: The files a house style is made of.
STYLE_FILES = ("print.css", "epub.css", "web.css", "maps.yml", "reference.docx")
#: Which editions each file shapes: a changed file rebuilds only these.
AFFECTS: dict[str, frozenset[str]] = {
    "print.css": frozenset({"pdf", "print", "booklet"}),
    "epub.css": frozenset({"epub"}),
    "web.css": frozenset({"html"}),
    "reference.docx": frozenset({"docx"}),
    "maps.yml": frozenset({"epub", "pdf", "docx", "html", "print", "booklet"}),  # every edition
}
#: The formats laid out in pages (``--paper`` shapes them; the EPUB carries their breaks).
PAGED = frozenset({"pdf", "print", "booklet"})
#: The override folder's name, beside ``source/``.
STYLES_FOLDER = "styles"
#: The project file's name, beside ``source/`` (its ``theme:``: see ``theme.py``).
PROJECT_FILE = "exporter.yml"

_keep = contextlib.ExitStack()
atexit.register(_keep.close)


def _package_dir(name: str) -> Path:
    """A folder of package data as a real path (extracted once if the package is zipped)."""
    return _keep.enter_context(resources.as_file(resources.files("exporter.data") / name))


#: The built-in style files (``print.css``, ``epub.css``, ``maps.yml``, ``reference.docx``).
STYLES_DIR = _package_dir("styles")
#: The sample article that comes with the exporter (its ``source/`` folder).
SAMPLE_DIR = _package_dir("sample")


@dataclass(frozen=True)
class HouseStyle:
    """Where each style file comes from, and the theme."""

    override: Path | None = None
    theme: Theme | None = None
    builtin: Path = STYLES_DIR
    #: ``--paper``: the paper of every paged edition, over the front-matter's and theme's.
    paper: str | None = None
    #: The project file's front-matter defaults, (key, value) pairs (``publisher``, ...).
    defaults: tuple[tuple[str, str], ...] = ()
    #: The project file's ``formats``: what a build makes without ``--format``.
    formats: tuple[str, ...] | None = None

    def file(self, name: str) -> Path:
        """The project's ``name`` if it has one, else the built-in one."""
        if self.override is not None and (self.override / name).is_file():
            from ..paths import refuse_outside

            return refuse_outside(self.override / name, self.override, "style file")
        return self.builtin / name

    def css(self, name: str, fmt: str, before_theme: str = "") -> str:
        """Stylesheet ``name`` with ``before_theme`` and the theme's rules for ``fmt``
        appended."""
        extra = self.theme.css(fmt) if self.theme is not None else ""
        return (self.file(name).read_text("utf-8") + ("\n" + before_theme if before_theme else "")
                + ("\n" + extra if extra else ""))

    def digest(self, fmt: str) -> str:
        """Hash of what in this style can change format ``fmt`` (see ``freshness``)."""
        h = hashlib.sha256(self.theme.digest(fmt).encode() if self.theme else b"")
        if self.paper is not None and fmt in PAGED:
            h.update(f"\0paper={self.paper.lower()}\0".encode())
        for key, value in self.defaults:  # every edition says who published it, ...
            h.update(f"\0{key}={value}\0".encode())
        for name in STYLE_FILES:
            if fmt in AFFECTS[name]:
                h.update(f"\0{name}\0".encode())
                h.update(hashlib.sha256(self.file(name).read_bytes()).digest())
        return h.hexdigest()


def project_folder(source: Path) -> Path:
    """The project a source belongs to: the folder that holds its ``source/`` folder."""
    return source.resolve().parent.parent


def house_style(source: Path, styles: Path | None = None) -> HouseStyle:
    """The house style of ``source``: ``styles`` (``--styles``) or the ``styles/`` folder
    beside its folder, and the theme of the project file there."""
    project = project_folder(source)
    if styles is not None and not styles.is_dir():
        raise UsageError("styles folder not found", file=styles,
                         hint="give a folder holding print.css, epub.css, maps.yml "
                              "or reference.docx")
    folder = styles if styles is not None else project / STYLES_FOLDER
    if not (project / PROJECT_FILE).is_file():  # pydantic is loaded only when needed
        return HouseStyle(override=folder if folder.is_dir() else None)
    from .theme import load_project

    settings = load_project(project / PROJECT_FILE)
    return HouseStyle(override=folder if folder.is_dir() else None, theme=settings.theme,
                      defaults=settings.front_matter_defaults(), formats=settings.formats)
