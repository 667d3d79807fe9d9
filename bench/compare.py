"""Compare two benchmark runs page by page: `python -m bench.compare [--database postgresql]`.

Reads bench-results/<database>-large.json and <database>-huge.json (make bench SCALE=large and
SCALE=huge) and prints each page's median at both sizes, the growth, and its statements. The
pages that must not grow with history (insights, equity, leaderboards, home) are marked; the
issue's line is 1.5x.
"""

from __future__ import annotations

import argparse
import json

from bench.servers import RESULTS

MUST_NOT_GROW = ("insights", "equity", "leaderboard", "home", "team gaps")
LINE = 1.5


def load(database: str, scale: str) -> dict[str, dict]:
    report = json.loads((RESULTS / f"{database}-{scale}.json").read_text())
    return {page["page"]: page for page in [report["floor"], *report["pages"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="postgresql")
    parser.add_argument("--small", default="large")
    parser.add_argument("--big", default="huge")
    arguments = parser.parse_args()
    small, big = load(arguments.database, arguments.small), load(arguments.database, arguments.big)
    print(f"{'page':<36} {'1x ms':>7} {'10x ms':>7} {'growth':>7} {'SQL 1x/10x':>11}")
    for name, one in small.items():
        ten = big.get(name)
        if ten is None:
            continue
        growth = ten["median_ms"] / one["median_ms"]
        mark = " *" if name.startswith(MUST_NOT_GROW) and growth > LINE else ""
        statements = (
            f"{','.join(map(str, one['statements']))}/{','.join(map(str, ten['statements']))}"
        )
        print(
            f"{name:<36} {one['median_ms']:>7.1f} {ten['median_ms']:>7.1f} "
            f"{growth:>6.2f}x {statements:>11}{mark}"
        )


if __name__ == "__main__":
    main()
