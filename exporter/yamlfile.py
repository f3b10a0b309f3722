"""YAML with line numbers, validated against pydantic models.

Every YAML the user writes (front-matter, ``glossary.yml``, ``places.yml``) goes
through here, so every mistake is reported the same way: file, line, what is
wrong and what to do.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problems, SourceError

M = TypeVar("M", bound=BaseModel)

Loc = tuple[Any, ...]


@dataclass
class Locator:
    """Maps a path into the YAML data (``("maps", 0, "title")``) to a file line."""

    file: Path
    lines: dict[Loc, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, loc: Loc) -> int | None:
        """The line of the deepest known node on ``loc``."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), self.first_line)

    def error(self, message: str, loc: Loc = (), hint: str | None = None) -> SourceError:
        """A ``SourceError`` pointing at ``loc``."""
        return SourceError(message, file=self.file, line=self.line(loc), hint=hint)


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml's parser when PyYAML has it) that refuses duplicate keys
    instead of silently keeping the last."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping; ``first`` is the mark of its first use."""

    def __init__(self, key: Any, first: yaml.Mark, again: yaml.Mark):
        super().__init__(None, None, f"duplicate key {key!r}", again)
        self.key, self.first = key, first


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, yaml.Mark] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, seen[key], key_node.start_mark)
        seen[key] = key_node.start_mark
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    # "2023-19-09" looks like a date to YAML but is none: keep the text, so that the
    # schema reports it at its line (YAML itself would raise a bare ValueError).
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
#: Deepest nesting of mappings and lists accepted in any YAML file: real metadata,
#: glossaries and gazetteers use fewer than ten levels.
MAX_YAML_DEPTH = 40


def _check_shape(node: yaml.Node, text: str, file: Path, offset: int) -> None:
    """Refuse aliases and deep nesting before anything is built from the nodes.

    An alias makes the composed graph share a node; expanded (by the constructor, the
    schema or a line index) a few lines of nested aliases become billions of values
    ("billion laughs"). The walk is iterative and visits each node once.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if id(item) in seen:
            raise SourceError("YAML aliases (*name) are not accepted", file=file,
                              line=_alias_line(text, offset) or item.start_mark.line + 1 + offset,
                              hint="write the value out in full instead of repeating an &anchor")
        seen.add(id(item))
        if depth > MAX_YAML_DEPTH:
            raise SourceError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep", file=file,
                              line=item.start_mark.line + 1 + offset,
                              hint="flatten the structure")
        if isinstance(item, yaml.MappingNode):
            for key_node, value_node in item.value:
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(item, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in item.value)


def _alias_line(text: str, offset: int) -> int | None:
    """Line of the first alias in ``text`` (only asked once one is known to be there)."""
    try:
        for token in yaml.scan(text, Loader=_UniqueKeyLoader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1 + offset
    except yaml.YAMLError:
        pass
    return None


def _flow_depth(text: str) -> int:
    """Deepest run of opening brackets (an upper bound of flow nesting), for refusing a
    pathological text before the YAML parser recurses into it."""
    import itertools
    import re

    steps = [1 if b in "[{" else -1 for b in re.findall(r"[\[\]{}]", text)]
    return max(itertools.accumulate(steps), default=0)


def _index_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int], offset: int) -> None:
    stack: list[tuple[yaml.Node, Loc]] = [(node, loc)]
    while stack:
        item, where = stack.pop()
        lines.setdefault(where, item.start_mark.line + 1 + offset)
        if isinstance(item, yaml.MappingNode):
            for key_node, value_node in item.value:
                child = (*where, key_node.value)
                lines[child] = key_node.start_mark.line + 1 + offset
                stack.append((value_node, child))
        elif isinstance(item, yaml.SequenceNode):
            stack.extend((child, (*where, i)) for i, child in enumerate(item.value))


def load_yaml(text: str, file: Path, first_line: int = 1) -> tuple[Any, Locator]:
    """Parse ``text`` (which starts on ``first_line`` of ``file``); return data and locator."""
    offset = first_line - 1
    locator = Locator(file=file, first_line=first_line)
    if text.count("[") + text.count("{") > MAX_YAML_DEPTH and _flow_depth(text) > MAX_YAML_DEPTH:
        raise SourceError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep", file=file,
                          line=first_line, hint="flatten the structure")
    try:
        loader = _UniqueKeyLoader(text)
        try:  # one parse: the nodes give the lines, the data is built from them
            node = loader.get_single_node()
            if node is not None:
                _check_shape(node, text, file, offset)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _DuplicateKey as exc:
        raise SourceError(
            f"duplicate key {exc.key!r} (first given on line {exc.first.line + 1 + offset})",
            file=file, line=exc.problem_mark.line + 1 + offset,
            hint="keep one of them: YAML would silently drop the other",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        problem = exc.problem or str(exc)
        raise SourceError(
            f"malformed YAML: {problem}", file=file, line=line,
            hint="check indentation, colons and quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {exc}", file=file, line=first_line) from None
    if node is not None:
        _index_lines(node, (), locator.lines, offset)
    return data, locator


def suggest(word: str, choices: list[str]) -> str | None:
    """"did you mean 'x'?" for the choice nearest ``word``, or None when none is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc`` (for did-you-mean)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fld = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        if fld is None:
            return None
        current = _unwrap(fld.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Find a BaseModel inside ``list[X]``, ``X | None`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _describe(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") \
        or "document"


def validation_error(exc: ValidationError, model: type[BaseModel], locator: Locator,
                     what: str = "") -> SourceError:
    """Turn pydantic's first error into one readable ``SourceError``."""
    return _readable(exc.errors(include_url=False)[0], model, locator, what)


def _readable(err: dict, model: type[BaseModel], locator: Locator, what: str) -> SourceError:
    """One pydantic error as a located, readable ``SourceError``."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    # Tagged/union validators add the type name to loc; drop parts that are not keys.
    loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
    prefix = f"{what}: " if what else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        owner = _model_at(model, loc)
        hint = suggest(key, _field_names(owner)) if owner else None
        if hint is None and owner is not None:
            hint = "known keys: " + ", ".join(sorted(_field_names(owner)))
        return locator.error(f"{prefix}unknown key '{_describe(loc)}'", loc, hint)
    if kind == "missing":
        return locator.error(f"{prefix}missing required key '{_describe(loc)}'", loc[:-1] or (),
                             "add it")
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    value = err.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float)) and len(repr(value)) < 60 else ""
    hint = None
    if kind == "literal_error" and isinstance(value, str):  # one of a few words: the nearest
        hint = suggest(value, re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected"))))
    return locator.error(f"{prefix}'{_describe(loc)}': {msg}{shown}", loc, hint)


def validate(model: type[M], data: Any, locator: Locator, what: str = "") -> M:
    """Validate ``data`` against ``model`` or raise a ``SourceError`` with file and line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = [_readable(err, model, locator, what) for err in exc.errors(include_url=False)]
    # Every mistake in one report (in the order of the file's lines), as a compiler does.
    unique = list({str(e): e for e in sorted(found, key=lambda e: e.line or 0)}.values())
    if len(unique) == 1:
        raise unique[0]
    raise Problems([str(e) for e in unique], file=locator.file)


def load_model_file(path: Path, model: type[M], what: str = "") -> tuple[M, Locator]:
    """Read a UTF-8 YAML file and validate it against ``model``."""
    text = read_text(path)
    data, locator = load_yaml(text, path)
    return validate(model, data, locator, what), locator


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, or raise a ``SourceError`` saying where it is not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("file not found", file=path, hint="check the path") from None
    except IsADirectoryError:
        raise SourceError("is a folder, not a file", file=path) from None
    except PermissionError:
        raise SourceError("cannot be read (permission denied)", file=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", file=path, line=line,
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")
