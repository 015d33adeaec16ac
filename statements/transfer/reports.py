"""What an import reports: the records it created and found, by type, and each bad line."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LineError:
    """A bad line of an import file and what is wrong with it."""

    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, or would have done: records created and already present, by type, and bad lines."""

    dry_run: bool = False
    lines: int = 0
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        """Whether the import's records are in the database: only when every line was good and it was no dry run."""
        return self.ok and not self.dry_run
