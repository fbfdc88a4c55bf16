"""Time the search folding of Vietnamese names (chibo.orgs.vntext.fold) on 200,000 names.

    .venv/bin/python bench/bench_fold.py [NAMES]

Prints the best and worst of three runs and exits 1 when the best takes 5 s or more (the target).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chibo.orgs.vntext import fold  # noqa: E402

TARGET = 5.0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    names = [f"Nguyễn Thị Ngọc Ánh {i}" for i in range(n)]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        for name in names:
            fold(name)
        timings.append(time.perf_counter() - start)
    print(f"fold: {n:,} names, best {min(timings):.2f} s, worst {max(timings):.2f} s over 3 runs "
          f"(target < {TARGET:.0f} s)")
    return 0 if min(timings) < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
