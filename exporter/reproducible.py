"""Same bytes every time: fixed timestamps and member order in zip containers."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from typing import Callable

#: The earliest time a zip entry can carry; used for every member.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def build_timestamp(default: dt.date) -> int:
    """Seconds since the epoch: ``SOURCE_DATE_EPOCH`` if set, else midnight UTC of ``default``."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    return int(dt.datetime(default.year, default.month, default.day,
                           tzinfo=dt.timezone.utc).timestamp())


def normalize_zip(data: bytes, first: tuple[str, ...] = ("mimetype",),
                  rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Rewrite a zip with fixed timestamps, permissions and order (``first`` leads, rest sorted).

    ``rewrite`` maps member names to functions that fix their content (e.g. dates).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    for name, fix in (rewrite or {}).items():
        if name in members:
            members[name] = fix(members[name])
    out = io.BytesIO()
    leading = [name for name in first if name in members]
    rest = sorted(name for name in members if name not in leading)
    with zipfile.ZipFile(out, "w") as dst:
        for name in leading + rest:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name in leading else zipfile.ZIP_DEFLATED
            dst.writestr(info, members[name], compresslevel=9 if name not in leading else None)
    return out.getvalue()
