"""Where the benchmarks write what they measured: one Markdown report per benchmark in benchmarks/results/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def write_result(name: str, report: str) -> Path:
    """Write a benchmark's report to benchmarks/results/<name>, and say where."""
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / name
    output.write_text(report)
    print(f"Written to {output.relative_to(ROOT)}")
    return output
