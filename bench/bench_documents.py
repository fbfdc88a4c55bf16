"""Time the official documents on a large meeting (45 present, 6 agenda items, 30 speeches).

    .venv/bin/python bench/bench_documents.py [RUNS]

Targets: minutes .docx < 0.5 s and minutes PDF < 2 s per meeting, a 12-meeting minutes book
< 15 s. The first PDF of a process also loads the fonts; it is reported apart ("cold").
Exits 1 when a target is missed.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_documents import sample_minutes_data  # noqa: E402

from chibo.meetings.documents import (  # noqa: E402
    group_speeches,
    minutes_book_pdf,
    minutes_docx,
    minutes_pdf,
)

TARGETS = {"minutes docx": 0.5, "minutes pdf": 2.0, "minutes book (12 meetings)": 15.0}


def large_meeting(month: int = 1):
    titles = [f"Nội dung {n}: đánh giá và triển khai nhiệm vụ trọng tâm số {n}" for n in range(1, 7)]
    speeches = [
        (
            titles[i % 6],
            f"Nguyễn Thị Ngọc Ánh {i}",
            "Thống nhất với báo cáo; đề nghị chi bộ quan tâm hơn đến công tác dân vận, "
            "phân công cụ thể đảng viên phụ trách từng hộ và báo cáo kết quả vào kỳ sinh hoạt sau. " * 2,
        )
        for i in range(30)
    ]
    return sample_minutes_data(
        month=month,
        present_members=[f"Trần Văn Đảng Viên {n}" for n in range(45)],
        agenda=group_speeches(titles, speeches),
        tasks=[(f"Lê Thị Hồng {n}", f"Thực hiện nhiệm vụ được phân công số {n}", None) for n in range(10)],
    )


def timed(fn, *args) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    data = large_meeting()
    cold_pdf, pdf = timed(minutes_pdf, data)
    results = {
        "minutes docx": [timed(minutes_docx, data)[0] for _ in range(runs)],
        "minutes pdf": [timed(minutes_pdf, data)[0] for _ in range(runs)],
    }
    year = [large_meeting(month) for month in range(1, 13)]
    book_time, book = timed(minutes_book_pdf, "Chi bộ thôn 1", "Đảng bộ xã Tân Thành", 2025, year)
    results["minutes book (12 meetings)"] = [book_time]

    print(f"minutes pdf, cold (first in process, loads fonts): {cold_pdf:.3f} s, {len(pdf) / 1024:.0f} KiB")
    failed = False
    for name, timings in results.items():
        worst = max(max(timings), cold_pdf) if name == "minutes pdf" else max(timings)
        ok = worst < TARGETS[name]
        failed |= not ok
        print(
            f"{name}: median {statistics.median(timings):.3f} s, worst {worst:.3f} s over {len(timings)} run(s) "
            f"(target < {TARGETS[name]} s) {'OK' if ok else 'TOO SLOW'}"
        )
    print(f"minutes book: {len(book) / 1024:.0f} KiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
