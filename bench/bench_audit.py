#!/usr/bin/env python3
"""Benchmark: export and audit a province with one year of meetings.

    .venv/bin/python bench/bench_audit.py                       # 200 000 members, 12 000 cells, 2025
    .venv/bin/python bench/bench_audit.py --members 20000 --cells 1200
    .venv/bin/python bench/bench_audit.py --database /tmp/bench-audit-x.sqlite3   # reuse a kept database

On a fresh SQLite file /tmp/bench-audit-*.sqlite3 (migrated, not timed), measures:

1. chibo generate --members N --cells M --seed S --months 12 --year 2025 --version V
2. chibo export --org ROOT --version 1 > bundle.json          (version 1 data only)
3. chibo audit bundle.json --from 2025-01-01 --to 2025-12-31  (version 1 data only)
4. chibo audit --org ROOT --from 2025-01-01 --to 2025-12-31 --version V

V is --data-version: 2 (the default: HD 42 fields, quality records and fee ledgers, a province
audit by the version-2 rules) or 1 (what a version-1 bundle carries: the export and file audit
steps run and must print what the database audit prints).

each with its wall time, CPU time and peak memory (`/usr/bin/time -v`, or getrusage in a
wrapper), then checks that both audits printed the same JSON (and, with --reference, the
same JSON as a reference audit kept from an earlier run); with version 2 it counts the audit's
FEE_UNPAID_REVIEW findings (the generator leaves about 2 members in 100 unpaid 3 months or more). With --database, step 1 is skipped
and the given database (generated and kept by an earlier --keep run) is used, and kept.
A command that this installation does not have yet (Unknown command) is reported and
skipped. Outputs go to a temporary directory, removed afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_generate import (
    ROOT,
    Result,
    chibo,
    fresh_database,
    generate_args,
    measure,
    print_table,
    remove_database,
)


def available(command: str, env: dict) -> bool:
    done = subprocess.run([chibo(), "help", command], env=env, cwd=ROOT, capture_output=True, text=True)
    return done.returncode == 0


def same_bytes(a: Path, b: Path, block: int = 1 << 24) -> bool:
    """Whether two (large) files are identical, read a block at a time."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(block), fb.read(block)
            if x != y:
                return False
            if not x:
                return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--data-version", type=int, choices=(1, 2), default=2,
                        help="phiên bản dữ liệu sinh ra và của lần kiểm tra từ CSDL (mặc định 2)")
    parser.add_argument("--root", default="T01", help="mã tổ chức gốc do chibo generate tạo (mặc định T01)")
    parser.add_argument("--keep", action="store_true", help="giữ lại tệp SQLite và các tệp kết quả")
    parser.add_argument("--database", type=Path,
                        help="dùng lại tệp SQLite đã sinh (bỏ qua bước generate; tệp được giữ lại)")
    parser.add_argument("--reference", type=Path, help="tệp kết quả kiểm tra để so sánh từng byte")
    opts = parser.parse_args()
    period = ["--from", f"{opts.year}-01-01", "--to", f"{opts.year}-12-31"]

    if opts.database:
        if not opts.database.is_file():
            sys.exit(f"Không có tệp {opts.database}.")
        path, env = opts.database, {**os.environ, "CHIBO_DEV": "1", "DATABASE_URL": f"sqlite:///{opts.database}"}
    else:
        path, env = fresh_database("audit")
    out = Path(tempfile.mkdtemp(prefix="bench-audit-out-", dir="/tmp"))
    bundle, audit_file, audit_db = out / "bundle.json", out / "audit-file.json", out / "audit-db.json"
    results: list[Result] = []
    try:
        if not opts.database:
            gen = measure("generate", [*generate_args(opts.members, opts.cells, opts.seed, 12, opts.year),
                                       "--version", str(opts.data_version)], env)
            results.append(gen)
            print(gen.stdout.rstrip())
            if gen.returncode:
                print(gen.stderr.rstrip(), file=sys.stderr)
                print_table(results)
                return 1
        v = str(opts.data_version)
        steps = [
            # version 1: the streaming reader and the reference audits of earlier runs (bundle-v2.md)
            ("export", [chibo(), "export", "--org", opts.root, "--version", "1"], bundle),
            ("audit (tệp)", [chibo(), "audit", str(bundle), *period], audit_file),
        ] if v == "1" else []
        steps.append((f"audit v{v} (CSDL)", [chibo(), "audit", "--org", opts.root, *period, "--version", v], audit_db))
        for step, args, target in steps:
            if not available(args[1], env):
                print(f"Bỏ qua {step}: chưa có lệnh 'chibo {args[1]}'.")
                continue
            if step == "audit (tệp)" and not (bundle.exists() and bundle.stat().st_size):
                print(f"Bỏ qua {step}: chưa có bundle.json.")
                continue
            result = measure(step, args, env, stdout_path=target)
            if result.returncode:
                result.notes.append(f"lỗi: {result.stderr.strip()[-500:]}")
            elif target.exists():
                result.notes.append(f"{target.name}: {target.stat().st_size / 2**20:.1f} MB")
            results.append(result)
        print()
        print_table(results)
        if opts.data_version == 2 and audit_db.exists() and audit_db.stat().st_size:
            with open(audit_db, encoding="utf-8") as f:
                findings = json.load(f)["findings"]
            unpaid = sum(1 for f in findings if f["code"] == "FEE_UNPAID_REVIEW")
            print(f"Kiểm tra phiên bản 2: {unpaid} phát hiện FEE_UNPAID_REVIEW.")
        if audit_file.exists() and audit_db.exists() and audit_file.stat().st_size:
            same = same_bytes(audit_file, audit_db)
            print(f"Hai bản kiểm tra (tệp / CSDL) {'giống hệt nhau' if same else 'KHÁC NHAU'}.")
            if not same:
                return 1
        if opts.reference and audit_db.exists():
            same = same_bytes(audit_db, opts.reference)
            print(f"So với {opts.reference}: {'giống hệt nhau' if same else 'KHÁC NHAU'}.")
            if not same:
                return 1
        return max((r.returncode for r in results), default=0)
    finally:
        if opts.keep or opts.database:
            print(f"Giữ lại {path}" + (f" và {out}." if opts.keep else "."))
        if not opts.keep:
            if not opts.database:
                remove_database(path)
            for f in out.iterdir():
                f.unlink()
            out.rmdir()


if __name__ == "__main__":
    sys.exit(main())
