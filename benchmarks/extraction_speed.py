"""Time the quote extractor on a synthetic ~1,000-word news article built from the evaluation passages.

Run: .venv/bin/python benchmarks/extraction_speed.py [--words 1000] [--runs 50]
Prints the median and the slowest run; the target is under 50 ms for 1,000 words.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statements.extraction import extract  # noqa: E402
from statements.extraction.evaluation import all_passages  # noqa: E402

TARGET_MILLISECONDS = 50


def synthetic_article(words: int) -> str:
    """Passages from the evaluation set, in order, until the text has `words` words."""
    paragraphs: list[str] = []
    count = 0
    passages = all_passages()
    index = 0
    while count < words:
        for paragraph in passages[index % len(passages)].text.strip().split("\n\n"):
            paragraphs.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
        index += 1
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    options = parser.parse_args()
    article = synthetic_article(options.words)
    published = datetime.date(2024, 2, 15)
    extract(article, published)  # warm-up: imports and regular expressions compiled
    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        statements = extract(article, published)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(f"article: {len(article.split())} words, {len(article)} characters, {len(statements)} statements found")
    print(f"runs: {options.runs}; median {median:.1f} ms; fastest {min(timings):.1f} ms; slowest {max(timings):.1f} ms")
    per_thousand = median * 1000 / len(article.split())
    verdict = "met" if per_thousand < TARGET_MILLISECONDS else "NOT met"
    print(f"{per_thousand:.1f} ms per 1,000 words; target under {TARGET_MILLISECONDS} ms: {verdict}")


if __name__ == "__main__":
    main()
