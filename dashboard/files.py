"""Writing files so that a reader, or a process killed half-way, never sees a file in part."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old or the new file, whole."""
    write_all_atomically({path: data})


def write_all_atomically(texts: dict[Path, bytes | str]) -> None:
    """Write every file beside its target first, then rename them all.

    A process killed while writing (even with SIGKILL) leaves every old file as it was, plus hidden
    `.<name>.*.tmp` files that nothing reads (`write_zones` removes them the next time).
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            staged.append((_stage(path, text), path))
        for temporary, path in staged:
            os.replace(temporary, path)
        for folder in {path.parent for path in texts}:
            _fsync_folder(folder)  # the renames survive a power cut too
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
