"""`chibo` commands take dates only as YYYY-MM-DD and exit 2 on any bad input, with a Vietnamese
message on stderr (as `chibo import` does). Real processes for the exit codes; call_command for
the commands that need the test database."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent
CHIBO = str(Path(sys.executable).parent / "chibo")
EXAMPLE = str(ROOT / "tests" / "data" / "examples" / "quy_mot.json")


def chibo(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env["CHIBO_DEV"] = "1"
    return subprocess.run([CHIBO, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", ["20250101", "2025-W26-1", "2025-1-01", "2025-02-30", "01/01/2025", "2025-01-01T00"])
def test_dates_only_as_yyyy_mm_dd(value):
    done = chibo("audit", EXAMPLE, "--from", value, "--to", "2025-03-31")
    assert done.returncode == 2
    assert done.stderr == f"--from: ngày không hợp lệ '{value}' (định dạng YYYY-MM-DD)\n"
    assert done.stdout == ""


def test_bad_input_exits_2_with_the_message_alone():
    cases = [
        (["import", "/nonexistent/bundle.json"], "Không đọc được tệp '/nonexistent/bundle.json': No such file or directory\n"),
        (["audit", "/nonexistent/b.json", "--from", "2025-01-01", "--to", "2025-03-31"],
         "Không đọc được tệp '/nonexistent/b.json': No such file or directory\n"),
        (["audit", EXAMPLE, "--from", "2025-03-31", "--to", "2025-01-01"],
         "--to (2025-01-01) không được trước --from (2025-03-31).\n"),
        (["audit", "--from", "2025-01-01", "--to", "2025-03-31"], "Chỉ định một tệp bundle hoặc --org (không cả hai).\n"),
        (["no-such-command"], "Không có lệnh 'no-such-command'. Gõ 'chibo help' để xem các lệnh.\n"),
    ]
    for args, message in cases:
        done = chibo(*args)
        assert (done.returncode, done.stderr, done.stdout) == (2, message, ""), args


def test_argument_types_exit_2_in_vietnamese():
    done = chibo("minutes-book", "--org", "C1", "--year", "abc", "--output", "x.pdf")
    assert done.returncode == 2 and "năm phải là số nguyên, không phải 'abc'" in done.stderr
    done = chibo("serve", "--port", "99999")
    assert done.returncode == 2 and "cổng phải từ 1 đến 65535" in done.stderr


def test_a_good_audit_still_exits_0():
    done = chibo("audit", EXAMPLE, "--from", "2025-01-01", "--to", "2025-03-31")
    assert done.returncode == 0, done.stderr
    expected = (ROOT / "tests" / "data" / "examples" / "quy_mot.audit.json").read_text(encoding="utf-8")
    assert done.stdout == expected


@pytest.mark.django_db
@pytest.mark.parametrize("args,message", [
    (["export", "--org", "NOPE"], "Không có tổ chức mã 'NOPE'."),
    (["export", "--org", "G", "--from", "2025-W26-1"], "--from: ngày không hợp lệ '2025-W26-1' (định dạng YYYY-MM-DD)"),
    (["audit", "--org", "NOPE", "--from", "2025-01-01", "--to", "2025-03-31"], "Không có tổ chức mã 'NOPE'."),
    (["minutes", "NOPE", "--format", "pdf", "--output", "-"], "Không tìm thấy cuộc họp có mã 'NOPE'."),
    (["resolution", "NOPE", "--output", "x.pdf"], "Không tìm thấy cuộc họp có mã 'NOPE'."),
    (["minutes_book", "--org", "NOPE", "--year", "2025", "--output", "x.pdf"],
     "Không tìm thấy tổ chức có mã 'NOPE'."),
    (["minutes_book", "--org", "G", "--year", "2025", "--output", "x.pdf"],
     "Tổ chức 'G' (Đảng bộ xã Tân Thành) không phải chi bộ; sổ biên bản là của chi bộ."),
    (["generate", "--members", "60", "--cells", "4", "--prefix", "T/1"],
     "Tiền tố mã 'T/1' không hợp lệ. Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự - _ . "
     "(bắt đầu bằng chữ hoặc số)."),
    (["demo"], "Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống."),
])
def test_commands_over_the_database_refuse_bad_input_with_exit_code_2(tree, args, message):
    with pytest.raises(CommandError) as exc:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    assert (exc.value.returncode, str(exc.value)) == (2, message)


@pytest.mark.django_db
def test_export_to_a_file_that_cannot_be_written(tree):
    with pytest.raises(CommandError) as exc:
        call_command("export", "--org", "G", "--output", "/nonexistent/dir/out.json", stdout=io.StringIO())
    assert (exc.value.returncode, str(exc.value)) == (
        2, "Không ghi được tệp '/nonexistent/dir/out.json': No such file or directory")


def test_from_the_command_line_the_message_is_printed_without_prefix(capsys):
    from chibo.commands import BadInput, ChiboCommand

    class Failing(ChiboCommand):
        def handle(self, *args, **options):
            raise BadInput("Không có tổ chức mã 'X'.")

    with pytest.raises(SystemExit) as exc:
        Failing().run_from_argv(["chibo", "failing"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == "Không có tổ chức mã 'X'.\n"
