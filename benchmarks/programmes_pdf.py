"""PDF programme benchmark: 40 sessions and 60 speakers (target: under 1 second).

Each round builds a fresh view from the snapshot, so nothing is cached between rounds.
With ``--cjk`` one speaker has a Chinese name, which loads the Noto Sans CJK fallback
font (about half a second of font parsing and subsetting on this machine).

Usage:
    .venv/bin/python benchmarks/programmes_pdf.py [--rounds 10] [--cjk]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from programmes_data import snapshot  # noqa: E402

from programmes.pdf import programme_pdf  # noqa: E402
from programmes.view import view_from_snapshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--cjk", action="store_true")
    args = parser.parse_args()
    document = snapshot(cjk=args.cjk)
    published = datetime(2027, 5, 1, tzinfo=UTC)
    programme_pdf(view_from_snapshot(1, 1, published, document, []))  # warm imports
    timings, size = [], 0
    for round_number in range(args.rounds):
        view = view_from_snapshot(round_number + 2, 1, published, document, [])
        start = time.perf_counter()
        size = len(programme_pdf(view))
        timings.append(time.perf_counter() - start)
    print(
        f"pdf{' (cjk)' if args.cjk else ''}: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms, {size // 1024} KB, {args.rounds} rounds"
    )


if __name__ == "__main__":
    main()
