"""`chibo backup` and `chibo restore` (issue 10, point 3), on the engine the suite runs on (SQLite or
PostgreSQL): a backup of the demo committee and its uploaded files, restored into an empty
database, gives back every row of every table and every file, byte for byte; a database or a
MEDIA_ROOT holding data is refused without --force and left as it was; --force replaces
everything; damaged, foreign or tampered archives are refused before anything is touched."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chibo import backup
from chibo.meetings.models import Meeting, MeetingDocument
from chibo.orgs import services
from chibo.orgs.demo import load_demo
from chibo.orgs.models import Member, Organization

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
CHIBO = str(Path(sys.executable).parent / "chibo")
TODAY = date(2025, 12, 20)
POSTGRES = connection.vendor == "postgresql"
#: Tables the round trip must find rows in (the demo and the extras of the fixture `demo`).
FILLED = {"orgs_organization", "orgs_member", "orgs_membership", "orgs_role", "auth_user", "auth_group",
          "auth_group_permissions", "auth_user_groups", "meetings_meeting", "meetings_attendance",
          "meetings_speech", "meetings_vote", "meetings_task", "meetings_meetingdocument",
          "changelog_logentry", "django_migrations", "django_content_type", "auth_permission"}


# --- reading a database and a folder whole -------------------------------------------------------

def raw_connection(name=None):
    """A plain DB-API connection to the test database (or to database `name` on the same server):
    both sides of a comparison are read the same way, without Django's conversions."""
    if POSTGRES:
        import psycopg

        s = connection.settings_dict
        return psycopg.connect(dbname=name or s["NAME"], user=s["USER"] or None, password=s["PASSWORD"] or None,
                               host=s["HOST"] or None, port=s["PORT"] or None, autocommit=True)
    import sqlite3

    # Read as Django's own connection reads (its converters are registered for the whole module)
    return sqlite3.connect(name, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)


def tables(cursor) -> dict[str, list]:
    """Every table (Django's, the migrations' and the sequences' bookkeeping) with all its rows."""
    if POSTGRES:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'")
    names = sorted(row[0] for row in cursor.fetchall())
    found = {}
    for name in names:
        cursor.execute(f'SELECT * FROM "{name}"')
        found[name] = sorted(cursor.fetchall(), key=repr)
    if POSTGRES:  # the next id each table hands out
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        found["(sequences)"] = sorted(cursor.fetchall())
    return found


def database_contents(name=None) -> dict[str, list]:
    """The test database (name None) or another database: SQLite file path, PostgreSQL name."""
    if name is None and not POSTGRES:
        connection.ensure_connection()
        return tables(connection.connection.cursor())
    raw = raw_connection(name)
    try:
        return tables(raw.cursor())
    finally:
        raw.close()


def folder_contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- data ------------------------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(settings, media):
    """The demo committee (`chibo demo`), plus what it leaves empty that a backup must carry: an
    uploaded meeting document, a group with a permission, and files of every kind in MEDIA_ROOT."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(TODAY)
    meeting = Meeting.objects.order_by("date", "pk").first()
    MeetingDocument.objects.create(meeting=meeting, title="Dự thảo nghị quyết",
                                   file=ContentFile("Nội dung dự thảo".encode(), name="du-thao.txt"))
    group = Group.objects.create(name="Văn phòng")
    group.permissions.add(Permission.objects.get(codename="view_meeting"))
    group.user_set.add(get_user_model().objects.order_by("pk").first())
    add_files(media)
    return meeting


def add_files(root: Path) -> None:
    (root / "presentations" / "2025").mkdir(parents=True)
    (root / "presentations" / "2025" / "Đề dẫn chuyên đề.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    (root / "empty.txt").write_bytes(b"")
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "a" / "b" / "c" / "binary.bin").write_bytes(bytes(range(256)) * 10)


@pytest.fixture
def small(tree, media):
    """The tests' small tree (tests/conftest.py) and one file."""
    (media / "note.txt").write_text("ghi chú", encoding="utf-8")
    return tree


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)


def run_chibo(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    base.update({"CHIBO_DEV": "1"}, **env)
    return subprocess.run([CHIBO, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=600)


@pytest.fixture
def fresh_database(tmp_path):
    """A database with nothing in it, not even tables: (its DATABASE_URL, its name for database_contents)."""
    if not POSTGRES:
        path = tmp_path / "fresh.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    s = connection.settings_dict
    name = f"chibo_restore_{uuid.uuid4().hex[:12]}"
    admin = raw_connection("postgres")
    admin.execute(f'CREATE DATABASE "{name}"')
    user = f"{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@" if s["USER"] else ""
    try:
        yield f"postgres://{user}{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}", name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- the round trip ------------------------------------------------------------------------------

def test_backup_restored_into_an_empty_database_gives_back_every_record_and_file(demo, media, tmp_path):
    before, files = database_contents(), folder_contents(media)
    assert len(files) == 4 and any(name.startswith("meeting-docs/") for name in files)
    filled = {t for t, rows in before.items() if rows}
    assert FILLED <= filled, FILLED - filled  # the data reaches every app
    out = tmp_path / "chibo.tar.gz"

    call_command("backup", "--output", str(out), stdout=io.StringIO())

    empty_the_database()
    shutil.rmtree(media)
    media.mkdir()
    assert Organization.objects.count() == 0 and folder_contents(media) == {}

    stdout = io.StringIO()
    call_command("restore", str(out), stdout=stdout)
    assert "Đã khôi phục bản sao lưu" in stdout.getvalue()
    assert database_contents() == before
    assert folder_contents(media) == files
    # The restored database hands out new ids after the restored ones (its sequences came back too)
    org = services.org_create(code="MOI", name="Chi bộ mới", kind="chi_bo", parent=demo.organization.parent)
    assert org.pk > max(row[0] for row in before["orgs_organization"])
    document = MeetingDocument.objects.get()
    assert document.file.read() == "Nội dung dự thảo".encode()


def test_a_backup_restores_into_a_new_database_from_the_command_line(demo, media, tmp_path, fresh_database):
    url, name = fresh_database
    before, files = database_contents(), folder_contents(media)
    out = tmp_path / "chibo.tar.gz"
    call_command("backup", "--output", str(out), stdout=io.StringIO())
    new_media = tmp_path / "new-media"

    done = run_chibo("restore", str(out), DATABASE_URL=url, MEDIA_ROOT=str(new_media))
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục bản sao lưu" in done.stdout and "chibo migrate" not in done.stdout
    assert database_contents(name) == before
    assert folder_contents(new_media) == files

    # Once more without --force: refused, exit 3, a Vietnamese message, nothing changed
    (new_media / "presentations" / "2025" / "Đề dẫn chuyên đề.pdf").unlink()
    done = run_chibo("restore", str(out), DATABASE_URL=url, MEDIA_ROOT=str(new_media))
    assert done.returncode == 3
    assert done.stderr.startswith("Cơ sở dữ liệu đang có dữ liệu (bảng ") and "--force" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert database_contents(name) == before
    assert len(folder_contents(new_media)) == len(files) - 1

    # With --force: the backup again, the file deleted meanwhile back
    done = run_chibo("restore", "--force", str(out), DATABASE_URL=url, MEDIA_ROOT=str(new_media))
    assert done.returncode == 0, done.stderr
    assert database_contents(name) == before
    assert folder_contents(new_media) == files


def test_the_backup_command_line_writes_an_archive(tmp_path, fresh_database):
    """`chibo backup` as a process, against a database of its own (migrated, with one record)."""
    url, _name = fresh_database
    media_root = tmp_path / "m"
    assert run_chibo("migrate", "-v", "0", DATABASE_URL=url).returncode == 0
    assert run_chibo("createsuperuser", "--noinput", "--username", "quantri", "--email", "a@b.vn",
                     DATABASE_URL=url).returncode == 0
    media_root.mkdir()
    (media_root / "x.txt").write_text("x")
    out = tmp_path / "b.tar.gz"
    done = run_chibo("backup", "--output", str(out), DATABASE_URL=url, MEDIA_ROOT=str(media_root))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Đã sao lưu vào {out}: cơ sở dữ liệu {connection.vendor}, 1 tệp tải lên")
    with tarfile.open(out) as archive:
        manifest = json.load(archive.extractfile(MANIFEST_NAME))
    assert manifest["migrations"]["orgs"].startswith("00")
    done = run_chibo("backup", "--output", str(tmp_path), DATABASE_URL=url)
    assert done.returncode == 2 and "là một thư mục" in done.stderr


MANIFEST_NAME = "manifest.json"


def test_the_manifest_says_what_the_archive_holds(small, media, tmp_path):
    out = tmp_path / "b.tar.gz"
    before = datetime.now().astimezone()
    result = backup.backup(out)
    with tarfile.open(out) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile(MANIFEST_NAME))
        database = archive.extractfile(names[1]).read()
    assert result.manifest == manifest
    assert names == [MANIFEST_NAME, backup.DATABASE_FILES[connection.vendor], "media/note.txt"]
    assert manifest["format"] == "chibo-backup" and manifest["format_version"] == 1
    assert manifest["engine"] == connection.vendor and manifest["chibo_version"] == "0.1.0"
    created = datetime.fromisoformat(manifest["created_at"])
    assert created.utcoffset().total_seconds() == 7 * 3600  # Asia/Ho_Chi_Minh
    assert abs((created - before).total_seconds()) < 600
    assert manifest["database"] == {"file": names[1], "size": len(database),
                                    "sha256": hashlib.sha256(database).hexdigest()}
    assert manifest["files"] == [{"path": "note.txt", "size": len("ghi chú".encode()),
                                  "sha256": hashlib.sha256("ghi chú".encode()).hexdigest()}]
    assert manifest["migrations"]["meetings"].startswith("00") and "orgs" in manifest["migrations"]
    assert out.stat().st_mode & 0o777 == 0o600  # every member's data and every password hash
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".chibo-")] == []  # no leftovers


# --- refusals ----------------------------------------------------------------------------------

def restore_refused(out, code=3):
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(out))
    assert refused.value.returncode == code
    return str(refused.value)


def test_a_database_holding_data_is_refused_without_force_and_left_as_it_was(small, media, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.backup(out)
    services.org_create(code="SAU", name="Chi bộ lập sau", kind="chi_bo", parent=small["G"])
    Member.objects.filter(code="M1").update(full_name="Nguyễn Văn Ân")
    (media / "note.txt").unlink()
    before = database_contents()

    message = restore_refused(out)

    assert message.startswith("Cơ sở dữ liệu đang có dữ liệu (bảng ")
    assert "orgs_member" in message or "..." in message
    assert database_contents() == before and folder_contents(media) == {}


def test_an_empty_database_with_uploaded_files_left_is_refused_too(small, media, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.backup(out)
    empty_the_database()
    (media / "old.txt").write_text("cũ")
    before = database_contents()
    message = restore_refused(out)
    assert message.startswith(f"Thư mục tệp tải lên {media} đang có tệp") and "--force" in message
    assert database_contents() == before and Organization.objects.count() == 0


def test_force_replaces_the_database_and_the_files(small, media, tmp_path):
    out = tmp_path / "b.tar.gz"
    before, files = database_contents(), folder_contents(media)
    backup.backup(out)
    services.org_create(code="SAU", name="Chi bộ lập sau", kind="chi_bo", parent=small["G"])
    Member.objects.filter(code="M2").delete()
    (media / "note.txt").write_text("đã sửa", encoding="utf-8")
    (media / "sub").mkdir()
    (media / "sub" / "new.txt").write_text("mới")
    with connection.cursor() as cursor:  # a table the backup does not have goes too
        cursor.execute("CREATE TABLE extra_table (id integer)")

    call_command("restore", str(out), "--force", stdout=io.StringIO())

    assert database_contents() == before
    assert folder_contents(media) == files  # the changed file back, the new one gone


def archive_with(path: Path, manifest: dict | None, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        items = ([(MANIFEST_NAME, json.dumps(manifest).encode())] if manifest is not None else []) \
            + list(members.items())
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def members_of(out: Path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(out) as archive:
        manifest = json.load(archive.extractfile(MANIFEST_NAME))
        data = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.name != MANIFEST_NAME}
    return manifest, data


@pytest.mark.parametrize("damage", ["tampered", "missing", "extra", "traversal", "engine", "version", "format",
                                    "no-manifest", "not-a-tar", "absent"])
def test_damaged_or_foreign_archives_are_refused_before_anything_changes(small, media, tmp_path, damage):
    good = tmp_path / "good.tar.gz"
    backup.backup(good)
    manifest, data = members_of(good)
    bad = tmp_path / "bad.tar.gz"
    expected = "Bản sao lưu"
    if damage == "tampered":
        data["media/note.txt"] = "ghi chú!".encode()
        expected = "Bản sao lưu bị hỏng: media/note.txt không khớp mã kiểm tra."
    elif damage == "missing":
        del data["media/note.txt"]
        expected = "Bản sao lưu thiếu 1 tệp, ví dụ media/note.txt."
    elif damage == "extra":
        data["media/../../evil.txt"] = b"x"
        expected = "Bản sao lưu chứa mục không có trong danh mục: 'media/../../evil.txt'."
    elif damage == "traversal":
        manifest["files"][0]["path"] = "../evil.txt"
        expected = "Bản sao lưu chứa đường dẫn không hợp lệ: '../evil.txt'."
    elif damage == "engine":
        manifest["engine"] = "sqlite" if POSTGRES else "postgresql"
        expected = f"Bản sao lưu là của cơ sở dữ liệu {manifest['engine']}, còn Chibo đang dùng {connection.vendor}"
    elif damage == "version":
        manifest["format_version"] = 2
        expected = "Bản sao lưu có định dạng phiên bản 2, phiên bản Chibo này đọc phiên bản 1."
    elif damage == "format":
        manifest["format"] = "other"
        expected = f"{bad} không phải là bản sao lưu Chibo."
    elif damage == "no-manifest":
        manifest = None
        expected = f"{bad} không phải là bản sao lưu Chibo (không đọc được manifest.json)."
    if damage == "not-a-tar":
        bad.write_bytes(b"not a backup" * 100)
        expected = f"{bad} không phải là bản sao lưu Chibo (không mở được tệp nén)."
    elif damage == "absent":
        expected = f"Không có tệp {bad}."
    else:
        archive_with(bad, manifest, data)
    empty_the_database()
    (media / "note.txt").unlink()
    before = database_contents()

    message = restore_refused(bad, code=2)

    assert message.startswith(expected), message
    assert database_contents() == before and folder_contents(media) == {}
    assert not (tmp_path / "evil.txt").exists() and not (media.parent / "evil.txt").exists()
    assert [p.name for p in media.parent.iterdir() if p.name.startswith(".chibo-")] == []


def test_a_database_that_does_not_load_leaves_everything_as_it_was(small, media, tmp_path):
    """The dump itself is damaged (its hash in the manifest matches: made so): even with --force the
    database and the files stay as they were."""
    good = tmp_path / "good.tar.gz"
    backup.backup(good)
    manifest, data = members_of(good)
    name = manifest["database"]["file"]
    data[name] = data[name][: len(data[name]) // 2] if POSTGRES else b"not a database" * 1000
    manifest["database"].update(size=len(data[name]), sha256=hashlib.sha256(data[name]).hexdigest())
    bad = archive_with(tmp_path / "bad.tar.gz", manifest, data)
    services.org_create(code="SAU", name="Chi bộ lập sau", kind="chi_bo", parent=small["G"])
    (media / "other.txt").write_text("khác")
    before, files = database_contents(), folder_contents(media)

    with pytest.raises(CommandError) as failed:
        call_command("restore", str(bad), "--force")

    assert failed.value.returncode == 2
    assert ("cơ sở dữ liệu giữ nguyên" if POSTGRES else "Không nạp được cơ sở dữ liệu của bản sao lưu") in str(failed.value)
    assert database_contents() == before and folder_contents(media) == files


def test_backup_refuses_a_folder_or_a_missing_folder(small, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(tmp_path))
    assert refused.value.returncode == 2 and str(refused.value).startswith(f"{tmp_path} là một thư mục")
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(tmp_path / "khong-co" / "b.tar.gz"))
    assert str(refused.value) == f"Không có thư mục {tmp_path / 'khong-co'}."


def test_a_restored_older_backup_asks_for_migrate(small, media, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup.backup(out)
    empty_the_database()
    (media / "note.txt").unlink()
    stdout = io.StringIO()
    with mock.patch.object(backup, "pending_migrations", return_value=2):
        call_command("restore", str(out), stdout=stdout)
    assert "(2 bước chuyển đổi chưa chạy): chạy 'chibo migrate'" in stdout.getvalue()
    assert backup.pending_migrations() == 0


# --- PostgreSQL's tools (checked on every engine: the messages do not need a server) ---------------

def test_a_missing_pg_dump_is_named_with_the_package_to_install():
    with mock.patch.object(backup.shutil, "which", return_value=None):
        with pytest.raises(backup.BackupError) as missing:
            backup.pg_tool("pg_dump")
    assert str(missing.value).startswith("Không tìm thấy lệnh pg_dump: cài gói postgresql-client")


@pytest.mark.parametrize(("server", "tool", "ok"), [(150020, "pg_dump (PostgreSQL) 15.20", True),
                                                    (160001, "pg_dump (PostgreSQL) 15.20", False),
                                                    (150020, "pg_dump (PostgreSQL) 17.2", True)])
def test_pg_dump_must_be_no_older_than_the_server(server, tool, ok):
    done = subprocess.CompletedProcess([], 0, stdout=tool + "\n", stderr="")
    with mock.patch.object(backup.shutil, "which", return_value="/usr/bin/pg_dump"), \
            mock.patch.object(backup.subprocess, "run", return_value=done), \
            mock.patch.dict(connection.__dict__, {"pg_version": server}):
        if ok:
            assert backup.pg_tool("pg_dump") == "/usr/bin/pg_dump"
        else:
            with pytest.raises(backup.BackupError) as old:
                backup.pg_tool("pg_dump")
            assert str(old.value) == ("pg_dump (pg_dump (PostgreSQL) 15.20) cũ hơn máy chủ PostgreSQL 16: cài "
                                      "postgresql-client-16 trở lên.")


def test_the_password_goes_to_libpq_by_the_environment_not_the_command_line():
    settings_dict = {"NAME": "chibo", "USER": "u", "PASSWORD": "bí-mật", "HOST": "db", "PORT": 5433,
                     "OPTIONS": {"sslmode": "require"}}
    with mock.patch.dict(connection.settings_dict, settings_dict):
        env = backup.pg_env()
    assert {k: env[k] for k in ("PGDATABASE", "PGUSER", "PGPASSWORD", "PGHOST", "PGPORT", "PGSSLMODE")} == {
        "PGDATABASE": "chibo", "PGUSER": "u", "PGPASSWORD": "bí-mật", "PGHOST": "db", "PGPORT": "5433",
        "PGSSLMODE": "require"}


def test_a_failing_pg_tool_reports_its_error():
    with pytest.raises(backup.BackupError) as failed:
        backup.run_pg([sys.executable, "-c", "import sys; sys.stderr.write('hỏng rồi'); sys.exit(3)"])
    assert str(failed.value).endswith("thất bại (mã 3): hỏng rồi")


# --- online: a backup while another connection writes ---------------------------------------------

@pytest.mark.skipif(not POSTGRES, reason="SQLite's in-memory test database has no second connection; "
                                         "the file case is the command-line test above")
def test_a_backup_taken_while_a_transaction_is_open_holds_the_committed_state_only(small, media, tmp_path):
    before = database_contents()
    writer = raw_connection()
    writer.autocommit = False
    cursor = writer.cursor()
    cursor.execute("UPDATE orgs_member SET full_name = 'Chưa lưu' WHERE code = 'M1'")
    try:
        out = tmp_path / "b.tar.gz"
        backup.backup(out)  # does not wait for the open transaction
    finally:
        writer.rollback()
        writer.close()
    empty_the_database()
    (media / "note.txt").unlink()
    call_command("restore", str(out), stdout=io.StringIO())
    assert database_contents() == before


# --- the PostgreSQL load's transaction, with stand-ins for pg_restore and psql (any engine) ----------

FAKE_PG_RESTORE = """import os, sys
sys.stdout.write("SET client_encoding = 'UTF8';\\n" + "INSERT INTO t VALUES (1);\\n" * 40000)
sys.stdout.flush()
sys.stderr.write(os.environ.get("FAKE_RESTORE_ERROR", ""))
sys.exit(int(os.environ.get("FAKE_RESTORE_RC", "0")))
"""
FAKE_PSQL = """import os, sys
if os.environ.get("FAKE_PSQL_FAIL"):
    sys.stderr.write("ERROR:  relation exists")
    sys.exit(3)
with open(os.environ["FAKE_PSQL_OUT"], "w") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
"""


@pytest.fixture
def fake_pg(tmp_path, monkeypatch):
    tools = {}
    for name, code in (("pg_restore", FAKE_PG_RESTORE), ("psql", FAKE_PSQL)):
        path = tmp_path / name
        path.write_text(f"#!{sys.executable}\n{code}")
        path.chmod(0o755)
        tools[name] = str(path)
    monkeypatch.setattr(backup, "pg_tool", lambda name: tools[name])
    monkeypatch.setenv("FAKE_PSQL_OUT", str(tmp_path / "psql-got.sql"))
    dump = tmp_path / "work" / "database.pgdump"
    dump.parent.mkdir()
    dump.write_bytes(b"PGDMP")
    return dump, tmp_path / "psql-got.sql"


def test_psql_gets_begin_the_drop_the_dump_and_commit_when_pg_restore_succeeds(small, fake_pg):
    dump, got = fake_pg
    backup.load_database("postgresql", dump)
    lines = got.read_text().splitlines()
    assert lines[0] == "BEGIN;"
    assert lines[1].startswith("DROP TABLE IF EXISTS ") and lines[1].endswith(" CASCADE;")
    assert '"orgs_member"' in lines[1] and '"django_migrations"' in lines[1]
    assert lines[2] == "SET client_encoding = 'UTF8';" and lines.count("INSERT INTO t VALUES (1);") == 40000
    assert lines[-1] == "COMMIT;"


def test_psql_never_gets_commit_when_pg_restore_fails(small, fake_pg, monkeypatch):
    dump, got = fake_pg
    monkeypatch.setenv("FAKE_RESTORE_RC", "1")
    monkeypatch.setenv("FAKE_RESTORE_ERROR", "pg_restore: error: could not read input file")
    with pytest.raises(backup.BackupError) as failed:
        backup.load_database("postgresql", dump)
    assert str(failed.value) == ("pg_restore thất bại (mã 1), cơ sở dữ liệu giữ nguyên: "
                                 "pg_restore: error: could not read input file")
    assert "COMMIT;" not in (got.read_text() if got.exists() else "")


def test_a_failing_statement_stops_psql_before_commit(small, fake_pg, monkeypatch):
    dump, got = fake_pg
    monkeypatch.setenv("FAKE_PSQL_FAIL", "1")
    with pytest.raises(backup.BackupError) as failed:
        backup.load_database("postgresql", dump)
    assert str(failed.value) == "psql thất bại (mã 3), cơ sở dữ liệu giữ nguyên: ERROR:  relation exists"
    assert not got.exists()
