"""What is wrong with the input: each `Problem` names the file, the row or feature, and the rule broken. Readers add
them to a `Report` and keep going; a `DataError` carries them when the input cannot be used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "row 12 (place_id=hama)", "feature 3", "" for the whole file
    rule: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.file}{where}: [{self.rule}] {self.message}"


class DataError(Exception):
    """Input that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def of(cls, error: Exception, data_dir: Path) -> DataError:
        """Any failure to load `data_dir` as a DataError: a loader bug is a problem to list, not a traceback."""
        if isinstance(error, DataError):
            return error
        return cls([Problem(str(data_dir), "", "unreadable", f"{type(error).__name__}: {error}")])


@dataclass
class Report:
    """Collects problems while readers keep going."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, where: str, rule: str, message: str) -> None:
        self.problems.append(Problem(file, where, rule, message))
