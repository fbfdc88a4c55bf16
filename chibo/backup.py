"""Backup and restore of a whole installation: the database and the uploaded files (MEDIA_ROOT).

A backup is one tar archive, gzip-compressed, written while the server runs:

    manifest.json          format, format_version, engine, chibo_version, created_at, database,
                           migrations (the last applied per app), files (path, size, sha256)
    database.sqlite3       SQLite: a copy by SQLite's online backup API (one consistent snapshot)
    database.pgdump        PostgreSQL: `pg_dump -Fc` (one consistent snapshot: a single transaction)
    media/...              the uploaded files, copied after the database's snapshot

The database is copied first and the files afterwards, so every file the copied records name is
there, unless it was deleted during the backup; a file uploaded meanwhile is carried without its
record (harmless). The archive is written to a temporary name beside PATH and renamed when
complete: PATH is either a whole backup or absent.

Restoring checks the manifest and every file's hash before touching anything, refuses a database
holding data (or a MEDIA_ROOT holding files) unless forced, then loads the database (SQLite: the
online backup API in the other direction, replacing the whole database; PostgreSQL: the tables
there are dropped and the dump loaded (`pg_restore`'s SQL into `psql`) in one transaction,
committed only when all of it went in, so a failure leaves the database as it was) and writes the files; forced, files
not in the backup are removed from MEDIA_ROOT, so the installation is exactly the backup's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = "chibo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
#: Tables `chibo migrate` fills by itself: a database holding only these is empty.
MIGRATE_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Vietnamese, for the command line."""


class NotEmpty(BackupError):
    """The database (or MEDIA_ROOT) holds data and --force was not given."""


@dataclass
class Result:
    path: Path
    manifest: dict


# --- what is there ---------------------------------------------------------------------------------

def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại '{vendor}' (chỉ SQLite và PostgreSQL).")
    return vendor


def chibo_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("chibo")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def applied_migrations() -> dict[str, str]:
    """The last migration applied per app, as the database says."""
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        last: dict[str, str] = {}
        for app, name in cursor.fetchall():
            last[app] = max(last.get(app, name), name)
    return dict(sorted(last.items()))


def tables_with_data() -> list[str]:
    """The tables holding rows, leaving out those `migrate` fills by itself."""
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in MIGRATE_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                found.append(table)
    return found


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files() -> list[Path]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), relative, sorted."""
    root = media_root()
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root))
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL's tools ----------------------------------------------------------------------------

def pg_env() -> dict[str, str]:
    """libpq's environment for the connection Django uses (its password never on a command line)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (("PGDATABASE", s.get("NAME")), ("PGUSER", s.get("USER")),
                       ("PGPASSWORD", s.get("PASSWORD")), ("PGHOST", s.get("HOST")),
                       ("PGPORT", str(s.get("PORT") or ""))):
        if value:
            env[key] = value
    options = s.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, no older than the server (an older one refuses to run)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy lệnh {name}: cài gói postgresql-client cùng phiên bản với máy chủ "
                          "PostgreSQL (Debian: apt-get install postgresql-client).")
    done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"(\d+)", done.stdout)
    server = connection.pg_version // 10000  # 150020 is 15.20 (Django 5.2 needs PostgreSQL 14 or later)
    if match is None or int(match[1]) < server:
        raise BackupError(f"{name} ({done.stdout.strip()}) cũ hơn máy chủ PostgreSQL {server}: cài "
                          f"postgresql-client-{server} trở lên.")
    return path


def run_pg(argv: list[str]) -> None:
    done = subprocess.run(argv, env=pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} thất bại (mã {done.returncode}): {done.stderr.strip()}")


# --- backup ------------------------------------------------------------------------------------------

def snapshot_database(kind: str, target: Path) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # all pages in one step: one consistent snapshot
        finally:
            destination.close()
    else:
        connection.ensure_connection()
        run_pg([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file", str(target)])


def backup(output: Path) -> Result:
    """Write the installation's backup to `output` (see the module's docstring)."""
    kind = engine()
    output = Path(output)
    if output.is_dir():
        raise BackupError(f"{output} là một thư mục: hãy cho tên tệp sao lưu, ví dụ {output / 'chibo.tar.gz'}.")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục {output.parent}.")
    created = timezone.localtime().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix=".chibo-backup-", dir=output.parent) as work:
        database = Path(work) / DATABASE_FILES[kind]
        snapshot_database(kind, database)
        migrations = applied_migrations()
        root = media_root()
        files = []
        for relative in media_files():
            path = root / relative
            try:
                files.append({"path": relative.as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)})
            except FileNotFoundError:  # deleted while the backup ran
                continue
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": kind,
            "chibo_version": chibo_version(),
            "created_at": created,
            "database": {"file": database.name, "size": database.stat().st_size, "sha256": sha256_of(database)},
            "migrations": migrations,
            "files": files,
        }
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name, recursive=False)
            for entry in files:
                archive.add(root / entry["path"], arcname=f"{MEDIA}/{entry['path']}", recursive=False)
        os.chmod(partial, 0o600)  # the backup holds every member's data and every password hash
        os.replace(partial, output)
    return Result(output, manifest)


# --- restore -----------------------------------------------------------------------------------------

def read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    """The manifest, the archive's first member (read without going through the rest)."""
    try:
        member = archive.next()
        if member is None or member.name != MANIFEST or not member.isfile():
            raise KeyError(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, AttributeError, OSError, EOFError, tarfile.TarError):
        raise BackupError(f"{path} không phải là bản sao lưu Chibo (không đọc được {MANIFEST}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} không phải là bản sao lưu Chibo.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu có định dạng phiên bản {manifest.get('format_version')}, phiên bản Chibo "
                          f"này đọc phiên bản {FORMAT_VERSION}.")
    return manifest


def safe_relative(name: str) -> PurePosixPath:
    relative = PurePosixPath(name)
    if relative.is_absolute() or not relative.parts or any(p in ("", ".", "..") for p in relative.parts):
        raise BackupError(f"Bản sao lưu chứa đường dẫn không hợp lệ: {name!r}.")
    return relative


def extract_verified(archive: tarfile.TarFile, manifest: dict, work: Path) -> tuple[Path, list[PurePosixPath]]:
    """Extract the database and the files into `work`, checking each against the manifest."""
    database = manifest["database"]
    expected = {database["file"]: database["sha256"]}
    files = []
    for entry in manifest["files"]:
        relative = safe_relative(entry["path"])
        files.append(relative)
        expected[f"{MEDIA}/{relative.as_posix()}"] = entry["sha256"]
    seen = set()
    for member in archive:
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile() or member.name in seen:
            raise BackupError(f"Bản sao lưu chứa mục không có trong danh mục: {member.name!r}.")
        seen.add(member.name)
        target = work / safe_relative(member.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.extractfile(member) as source, open(target, "wb") as out:
            while block := source.read(CHUNK):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != expected[member.name]:
            raise BackupError(f"Bản sao lưu bị hỏng: {member.name} không khớp mã kiểm tra.")
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"Bản sao lưu thiếu {len(missing)} tệp, ví dụ {missing[0]}.")
    return work / database["file"], files


def load_database(kind: str, dump: Path) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # replaces the whole database, in one step
        except sqlite3.DatabaseError as exc:  # the source is not a database: nothing was written
            raise BackupError(f"Không nạp được cơ sở dữ liệu của bản sao lưu, cơ sở dữ liệu giữ nguyên: {exc}") from None
        finally:
            source.close()
        return
    # One transaction for all of it: psql gets BEGIN, the tables there dropped, the dump's SQL from
    # pg_restore, and COMMIT only once pg_restore has ended well. On any error (pg_restore's or a
    # statement's) psql is stopped before COMMIT and the database stays exactly as it was.
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    connection.close()
    start = "BEGIN;\n"
    if tables:
        start += "DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE;\n"
    env = pg_env()
    with open(dump.parent / "pg_restore.err", "w+b") as restore_errors, \
            open(dump.parent / "psql.err", "w+b") as load_errors:
        script = subprocess.Popen([pg_restore, "--no-owner", "--no-acl", "--file", "-", str(dump)], env=env,
                                  stdout=subprocess.PIPE, stderr=restore_errors)
        loader = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--file", "-"],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_errors)
        try:
            loader.stdin.write(start.encode())
            while block := script.stdout.read(CHUNK):
                loader.stdin.write(block)
            if script.wait() == 0:
                loader.stdin.write(b"\nCOMMIT;\n")
            else:
                loader.kill()  # disconnected inside the transaction: the server rolls it back
            loader.stdin.close()
        except BrokenPipeError:  # psql stopped at a failing statement (ON_ERROR_STOP): nothing committed
            script.kill()
        finally:
            script.stdout.close()
            script.wait()
            loader.wait()
        restore_errors.seek(0)
        load_errors.seek(0)
        restore_message = restore_errors.read().decode(errors="replace").strip()
        load_message = load_errors.read().decode(errors="replace").strip()
    connection.close()
    if script.returncode != 0 and not (script.returncode < 0 and loader.returncode != 0):
        raise BackupError(f"pg_restore thất bại (mã {script.returncode}), cơ sở dữ liệu giữ nguyên: {restore_message}")
    if loader.returncode != 0:
        raise BackupError(f"psql thất bại (mã {loader.returncode}), cơ sở dữ liệu giữ nguyên: {load_message}")


def place_files(staged: Path, files: list[PurePosixPath], force: bool) -> None:
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    if force:
        keep = {Path(f) for f in files}
        for relative in media_files():
            if relative not in keep:
                (root / relative).unlink()
    for relative in files:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / MEDIA / relative, target)


def restore(path: Path, force: bool = False) -> dict:
    """Load the backup at `path` into this installation's database and MEDIA_ROOT; the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    kind = engine()
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{path} không phải là bản sao lưu Chibo (không mở được tệp nén).") from None
    with archive:
        manifest = read_manifest(archive, path)
        if manifest.get("engine") != kind:
            raise BackupError(f"Bản sao lưu là của cơ sở dữ liệu {manifest.get('engine')}, còn Chibo đang dùng {kind}: "
                              "khôi phục vào cơ sở dữ liệu cùng loại.")
        if not force:
            busy = tables_with_data()
            if busy:
                raise NotEmpty(f"Cơ sở dữ liệu đang có dữ liệu (bảng {', '.join(busy[:3])}"
                               f"{', ...' if len(busy) > 3 else ''}): không khôi phục đè lên. Dùng một cơ sở dữ "
                               "liệu trống, hoặc thêm --force để thay toàn bộ dữ liệu hiện có bằng bản sao lưu.")
            if media_files():
                raise NotEmpty(f"Thư mục tệp tải lên {media_root()} đang có tệp: không khôi phục đè lên. "
                               "Dùng thư mục trống, hoặc thêm --force để thay bằng các tệp của bản sao lưu.")
        staging_parent = media_root().parent
        staging_parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".chibo-restore-", dir=staging_parent) as work:
            dump, files = extract_verified(archive, manifest, Path(work))
            load_database(kind, dump)
            place_files(Path(work), files, force)
    return manifest


def pending_migrations() -> int:
    """How many of this code's migrations the restored database has not applied."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
