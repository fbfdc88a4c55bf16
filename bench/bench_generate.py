#!/usr/bin/env python3
"""Benchmark: `chibo generate` of a whole province on a fresh SQLite file.

    .venv/bin/python bench/bench_generate.py                    # 200 000 members, 12 000 cells, seed 1
    .venv/bin/python bench/bench_generate.py --months 12        # with one year of meetings (2025)

Runs `chibo migrate` (not timed) then `chibo generate ...` on a new file
/tmp/bench-generate-*.sqlite3 and prints the wall time, the CPU time (user + system: the
command's own cost, which other load on the machine does not inflate) and the peak memory
(resident set size) of the command, measured by `/usr/bin/time -v` when present, otherwise by
resource.getrusage(RUSAGE_CHILDREN) in a small wrapper process. Target: under 5 minutes
without meetings. The file is removed afterwards unless --keep.

bench_audit.py imports the helpers below (`measure`, `fresh_database`, `print_table`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[2:]).returncode\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"  # ru_maxrss in kilobytes on Linux
    "open(sys.argv[1], 'w').write(f'User time (seconds): {ru.ru_utime}\\nSystem time (seconds): {ru.ru_stime}\\n'\n"
    "                             f'Maximum resident set size (kbytes): {ru.ru_maxrss}\\n')\n"
    "sys.exit(rc)\n"
)


def chibo() -> str:
    local = ROOT / ".venv" / "bin" / "chibo"
    found = str(local) if local.exists() else shutil.which("chibo")
    if not found:
        sys.exit("Không tìm thấy lệnh chibo (.venv/bin/chibo): cài đặt theo README trước.")
    return found


@dataclass
class Result:
    step: str
    command: str
    seconds: float
    peak_mb: float | None
    returncode: int
    stdout: str = ""
    stderr: str = ""
    notes: list[str] = field(default_factory=list)
    cpu_seconds: float | None = None  # user + system: what the command itself cost, whatever the load


def measure(step: str, args: list[str], env: dict, stdout_path: Path | None = None) -> Result:
    """Run one command, timing it and measuring its peak resident memory (children included)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rusage", delete=False) as rusage:
        rusage_path = rusage.name
    if os.access(GNU_TIME, os.X_OK):
        wrapped = [GNU_TIME, "-v", "-o", rusage_path, *args]
    else:
        wrapped = [sys.executable, "-c", _WRAPPER, rusage_path, *args]
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE  # noqa: SIM115 - closed below
    t0 = time.monotonic()
    try:
        proc = subprocess.run(wrapped, env=env, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
    finally:
        if stdout_path:
            out.close()
    seconds = time.monotonic() - t0
    text = Path(rusage_path).read_text(errors="replace")
    os.unlink(rusage_path)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    times = [float(t) for t in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", text)]
    shown = " ".join(args[1:]) if args and args[0].endswith("chibo") else " ".join(args)
    if stdout_path:
        shown += f" > {stdout_path.name}"
    return Result(step, f"chibo {shown}" if args and args[0].endswith("chibo") else shown, seconds,
                  int(match.group(1)) / 1024 if match else None, proc.returncode,
                  "" if stdout_path else proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"),
                  cpu_seconds=sum(times) if len(times) == 2 else None)


def fresh_database(tag: str) -> tuple[Path, dict]:
    """A new, migrated SQLite file and the environment that points chibo at it."""
    fd, name = tempfile.mkstemp(prefix=f"bench-{tag}-", suffix=".sqlite3", dir="/tmp")
    os.close(fd)
    os.unlink(name)
    path = Path(name)
    env = {**os.environ, "CHIBO_DEV": "1", "DATABASE_URL": f"sqlite:///{path}"}
    done = subprocess.run([chibo(), "migrate", "-v", "0"], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"chibo migrate thất bại:\n{done.stderr}")
    return path, env


def remove_database(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def print_table(results: list[Result]) -> None:
    headers = ("bước", "thời gian (s)", "CPU (s)", "bộ nhớ đỉnh (MB)", "mã thoát", "lệnh")
    rows = [(r.step, f"{r.seconds:.1f}", f"{r.cpu_seconds:.1f}" if r.cpu_seconds is not None else "?",
             f"{r.peak_mb:.0f}" if r.peak_mb is not None else "?", str(r.returncode), r.command) for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers).rstrip())
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row).rstrip())
    for r in results:
        for note in r.notes:
            print(f"  {r.step}: {note}")


def generate_args(members: int, cells: int, seed: int, months: int, year: int) -> list[str]:
    args = [chibo(), "generate", "--members", str(members), "--cells", str(cells), "--seed", str(seed)]
    if months:
        args += ["--months", str(months), "--year", str(year)]
    return args


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="giữ lại tệp SQLite sau khi đo")
    opts = parser.parse_args()

    path, env = fresh_database("generate")
    try:
        result = measure("generate", generate_args(opts.members, opts.cells, opts.seed, opts.months, opts.year), env)
        result.notes.append(f"tệp cơ sở dữ liệu {path} ({path.stat().st_size / 2**20:.0f} MB)")
        print(result.stdout.rstrip())
        if result.returncode:
            print(result.stderr.rstrip(), file=sys.stderr)
        print()
        print_table([result])
        if not opts.months:
            verdict = "đạt" if result.seconds < 300 else "KHÔNG đạt"
            print(f"Mục tiêu dưới 5 phút (không có cuộc họp): {verdict}.")
        return result.returncode
    finally:
        if opts.keep:
            print(f"Giữ lại {path} (DATABASE_URL=sqlite:///{path}).")
        else:
            remove_database(path)


if __name__ == "__main__":
    sys.exit(main())
