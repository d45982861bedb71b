"""How long the one import reader (convenor.tables.read_table) takes for the lists
organisers upload: 5,000 invitees (the invitee import's limit) and 50,000 directory
rows (the reader's limit), as CSV (UTF-8, Windows-1252 with semicolons, UTF-16 with
tabs) and as an .xlsx written by openpyxl, with the peak memory Python allocated.

Run: .venv/bin/python benchmarks/tables_read.py   (prints one line per file)
Times are the best of three reads; the .xlsx is read in openpyxl's read-only mode.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from convenor.tables import read_table
from tests.tables_corpus import saved_as


def rows(count: int) -> list[list[str]]:
    head = ["Name", "Email", "Organisation", "Job title", "Phone", "Notes"]
    return [head] + [
        [
            f"Zoë Polaków {n}",
            f"person{n}@example.org",
            "Café £5 Trust",
            "Community safety officer",
            "+44 23 8083 3000",
            "Attends the Thursday partnership meeting",
        ]
        for n in range(count)
    ]


def measure(label: str, data: bytes) -> None:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        table = read_table(data)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    read_table(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = (len(table.rows) - 1) / best
    print(
        f"{label:<40} {len(data) / 1e6:6.2f} MB  {best:6.2f} s  "
        f"{rate:9,.0f} rows/s  peak {peak / 1e6:6.1f} MB"
    )


def main() -> None:
    for count in (5_000, 50_000):
        files = saved_as(rows(count))
        for kind in ("utf8-bom", "semicolons-cp1252", "unicode-text-utf16", "xlsx"):
            measure(f"{count:,} rows, {kind}", files[kind])


if __name__ == "__main__":
    main()
