"""Time the browser test that records and finalizes a 20-member meeting on a 360-px phone.

    .venv/bin/python bench/bench_record_meeting.py

Runs tests/e2e/test_record_meeting.py::test_record_a_20_member_meeting_on_a_phone with pytest
(Playwright driving Debian's Chromium, SQLite) and prints the time of the test itself (pytest's
"call" phase: from the first page to the finalized meeting's checks; database set-up excluded).
Exits 1 when the test fails or takes 120 s or more (the target).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/e2e/test_record_meeting.py::test_record_a_20_member_meeting_on_a_phone"
TARGET = 120.0


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run([str(ROOT / ".venv/bin/pytest"), TEST, "-p", "no:cacheprovider",
                          "--durations=0", "--durations-min=0"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"^([\d.]+)s call\s+" + re.escape(TEST), run.stdout, re.MULTILINE)
    if run.returncode != 0 or not found:
        print(run.stdout[-3000:], run.stderr[-2000:], sep="\n")
        print(f"FAILED: pytest exit {run.returncode}")
        return 1
    elapsed = float(found.group(1))
    print(f"recorded and finalized a 20-member meeting in {elapsed:.1f} s (target < {TARGET:.0f} s)")
    return 0 if elapsed < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
