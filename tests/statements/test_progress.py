"""Long transfers show a progress bar on a terminal, and only a summary anywhere else."""

import io

from statements.management.progress import TransferProgress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar_with_the_rate_and_the_time_left():
    terminal = Terminal()
    progress = TransferProgress(terminal, "Exported", total=300)
    for count in (100, 200, 300):
        progress("statement", count)
    progress.finish()
    shown = terminal.getvalue()
    assert "Exported: 100%" in shown
    assert "records/s" in shown
    assert "<00:00" in shown  # the time left
    assert shown.rstrip().endswith("300 statements.")


def test_a_bar_over_a_file_counts_its_bytes_and_says_how_many_records():
    terminal, read = Terminal(), {"bytes": 0}
    progress = TransferProgress(terminal, "Imported", total=1000, position=lambda: read["bytes"])
    read["bytes"] = 1000
    progress("actor", 12)
    progress.finish()
    assert "1.00k/1.00k" in terminal.getvalue()
    assert "12 records, actors" in terminal.getvalue()


def test_a_pipe_gets_only_the_summary():
    pipe = io.StringIO()
    progress = TransferProgress(pipe, "Exported", total=10)
    progress("topic", 10)
    progress.finish()
    assert pipe.getvalue().startswith("Exported 10 records in ")
    assert "%|" not in pipe.getvalue()
