"""Errors a user can cause, each shown as one line with file, line and a hint.

Anything that is not an ``ExporterError`` is a bug and keeps its traceback
(shown with ``--debug``).
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes: 0 success, 1 build or check failure, 2 bad usage or bad input,
#: 130 interrupted (Ctrl-C or SIGTERM).
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
INTERRUPTED = "interrupted: no edition was left half-written"


class ExporterError(Exception):
    """A problem the user can fix; rendered as ``file:line: message (hint)``."""

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = Path(file) if file is not None else None
        self.line = line
        self.hint = hint

    def __reduce__(self):
        # Keyword-only arguments do not survive pickling on their own (worker processes).
        return (_rebuild, (type(self), self.message, self.file, self.line, self.hint))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class SourceError(ExporterError):
    """The source (front-matter, Markdown, glossary, gazetteer, layers) is invalid."""


class UsageError(ExporterError):
    """The command line asks for something that does not exist."""


class SecurityError(SourceError):
    """The source refers to something outside the source folder or on the network."""


class BuildError(ExporterError):
    """A build step failed for a reason outside the source (disk, tools)."""

    exit_code = EXIT_FAILURE


class CheckError(ExporterError):
    """An edition failed validation."""

    exit_code = EXIT_FAILURE


class Problems(SourceError):
    """Every problem found in one source: the errors (each already "file:line: ...")
    and the warnings, shown errors first, so one run reports them all."""

    def __init__(self, errors: list[str], warnings: list[str] = (), *,
                 file: str | Path | None = None) -> None:
        super().__init__(errors[0] if errors else "no problems", file=None)
        self.errors, self.warnings = list(errors), list(warnings)
        self.source = file

    def __reduce__(self):
        return (_problems, (self.errors, self.warnings, self.source))

    def __str__(self) -> str:
        lines = [self.errors[0]] + [f"error: {e}" for e in self.errors[1:]]
        lines += [f"warning: {w}" for w in self.warnings]
        if len(self.errors) + len(self.warnings) > 1:
            lines.append(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}, "
                         f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
                         + (f" in {self.source}" if self.source else ""))
        return "\n".join(lines)


def _problems(errors, warnings, source):
    return Problems(errors, warnings, file=source)


def _rebuild(cls, message, file, line, hint):
    return cls(message, file=file, line=line, hint=hint)


class Mistakes(list):
    """The mistakes found in one source so far, each a line "file:line: message (hint)",
    gathered across the stages that read it (metadata, body, glossary, maps) so that one
    run reports them all, as a compiler does."""

    def __init__(self) -> None:
        super().__init__()
        self.first: ExporterError | None = None

    def add(self, exc: ExporterError) -> None:
        """Add what ``exc`` reports (one mistake, or a ``Problems`` of several)."""
        if self.first is None:
            self.first = exc
        found = exc.errors if isinstance(exc, Problems) else [str(exc)]
        self.extend(e for e in found if e not in self)

    def raise_any(self, warnings: list[str] = (), source: str | Path | None = None) -> None:
        """Raise what was found: one mistake as itself, several as one ``Problems``."""
        if not self:
            return
        if len(self) == 1 and self.first is not None and str(self.first) == self[0]:
            raise self.first
        raise Problems(list(self), list(warnings), file=source)
