"""Validation helpers on top of ``exporter.yamlfile`` for the map sources."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..yamlfile import Locator, validation_error

M = TypeVar("M", bound=BaseModel)


class _ExtraFirst:
    """A ValidationError whose unknown keys come first, so that a misspelt key reads
    "unknown key 'nmae' (did you mean 'name'?)" rather than "missing 'name'"."""

    def __init__(self, exc: ValidationError) -> None:
        self._exc = exc

    def errors(self, **kwargs):
        return sorted(self._exc.errors(**kwargs), key=lambda e: e["type"] != "extra_forbidden")


def validate_model(model: type[M], data: object, locator: Locator, what: str = "") -> M:
    """``yamlfile.validate``, reporting unknown keys before missing ones."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(_ExtraFirst(exc), model, locator, what) from None  # type: ignore[arg-type]


def sub_locator(locator: Locator, prefix: tuple) -> Locator:
    """A locator for the node at ``prefix`` (so a list item validates on its own)."""
    n = len(prefix)
    lines = {k[n:]: v for k, v in locator.lines.items() if k[:n] == prefix}
    return Locator(file=locator.file, lines=lines, first_line=locator.line(prefix) or 1)
