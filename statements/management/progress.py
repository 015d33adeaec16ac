"""What a long export or import tells its user while it runs, and when it is done."""

import time

from tqdm import tqdm


class TransferProgress:
    """Called with (record type, records of that type so far) as a transfer goes: a tqdm bar on a terminal.

    The bar shows the records done, the rate and, when the size is known, the time left. Anywhere
    else (a pipe, a log file) it stays quiet until `finish()`, which writes a one-line summary.
    `total` is the size of the work: records, or bytes of the file when `position` tells how far
    into it the reading is.
    """

    def __init__(self, output, verb: str, *, total: int | None = None, position=None):
        self.output, self.verb = output, verb
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self.position = position
        stream = getattr(output, "_out", output)
        interactive = hasattr(stream, "isatty") and stream.isatty()
        self.bar = (
            tqdm(
                total=total,
                desc=verb,
                unit="B" if position is not None else " records",
                unit_scale=True,
                file=stream,
                mininterval=0.5,
            )
            if interactive
            else None
        )

    def __call__(self, type_name: str, count: int) -> None:
        self.counts[type_name] = count
        if self.bar is None:
            return
        done = self.position() if self.position is not None else sum(self.counts.values())
        self.bar.update(done - self.bar.n)
        # A bar counting bytes says how many records that is; one counting records, which type it is at.
        records = f"{sum(self.counts.values()):,} records, " if self.position is not None else ""
        self.bar.set_postfix_str(f"{records}{type_name}s", refresh=False)

    def close(self) -> None:
        """Take the bar off the terminal (whether the transfer ended well or not)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self) -> None:
        """Close the bar and write the summary: records by type, time and rate."""
        self.close()
        elapsed = time.monotonic() - self.started
        total = sum(self.counts.values())
        parts = ", ".join(f"{count} {name}s" for name, count in self.counts.items())
        rate = f", {total / elapsed:.0f} records/s" if elapsed > 0 else ""
        self.output.write(f"{self.verb} {total} records in {elapsed:.1f} s{rate}: {parts}.")
