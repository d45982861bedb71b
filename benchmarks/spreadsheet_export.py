"""Spreadsheet writer benchmark (``convenor.spreadsheet``): a city-sized directory
export written as CSV and as .xlsx, without the database or HTTP.

Measures, for ``--rows`` generated rows of 20 text, number and date cells (what the
directory export writes per entry; 20,000 is a generous city), the median time of
``csv_bytes`` and ``xlsx_bytes`` over ``--rounds`` runs, the size of each file, and the
peak Python memory of one .xlsx write (tracemalloc) in openpyxl's write-only mode (what
exports use) against its ordinary mode, to show what write-only buys.

Usage:
    .venv/bin/python benchmarks/spreadsheet_export.py [--rows 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
import tracemalloc
from datetime import date

from openpyxl import Workbook

from convenor.spreadsheet import Sheet, csv_bytes, xlsx_bytes

WORDS = "Polaków café youth club refuge network support parents Southampton Bitterne".split()


def rows(count: int) -> list[list]:
    rng = random.Random(18)
    made = []
    for n in range(count):
        text = [" ".join(rng.choices(WORDS, k=rng.randint(1, 12))) for _ in range(16)]
        text[3] = "+44 23 8083 3000" if n % 3 else "=SUM(A1)"
        made.append([n + 1, *text, 1_000_000 + n, "007", date(2026, 1 + n % 12, 1 + n % 28)])
    return made


def header() -> list[str]:
    return [f"column {i}" for i in range(20)]


def timed(write, sheet: Sheet, rounds: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(write(sheet))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def ordinary_mode(sheet: Sheet) -> bytes:
    """The same cells through openpyxl's ordinary (in-memory) workbook, for comparison."""
    book = Workbook()
    out = book.active
    out.append(list(sheet.header))
    for row in sheet.rows:
        out.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def peak_memory(write, sheet: Sheet) -> float:
    tracemalloc.start()
    write(sheet)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sheet = Sheet("Directory", header(), rows(args.rows))
    for label, write in (("csv", csv_bytes), ("xlsx", xlsx_bytes)):
        seconds, size = timed(write, sheet, args.rounds)
        print(
            f"{label}: {args.rows} rows in {seconds:.2f} s (median of {args.rounds}), "
            f"{size / 1e6:.1f} MB"
        )
    print(f"xlsx peak memory, write-only mode: {peak_memory(xlsx_bytes, sheet):.0f} MB")
    print(f"xlsx peak memory, ordinary mode:   {peak_memory(ordinary_mode, sheet):.0f} MB")


if __name__ == "__main__":
    main()
