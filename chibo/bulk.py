"""Writing many rows whose ids nobody needs back: PostgreSQL's COPY, elsewhere plain INSERTs.

`RowWriter` takes value tuples for chosen fields of one model and writes them `BATCH` at a time:
with psycopg's `copy` on PostgreSQL (its fastest path), else as one executemany through
Django's cursor, ids from the database. Several times faster than building model instances for
`bulk_create`, whose per-field SQL compilation dominates at millions of rows. The generator of
test provinces (chibo.interchange.generate) and the stored audit results (chibo.results) use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

#: Rows written per COPY or executemany.
BATCH = 5000


class RowWriter:
    """Buffered INSERT of value tuples into one model's table. The columns not given get the
    field's default: computed once, or for each row where the default is a callable (a UUID
    key), and put in the database's form (a UUID is text on SQLite). The values given must
    already be in the database's form (ints, strings, dates, JSON text)."""

    def __init__(self, model, fields: tuple[str, ...]):
        self._db = connections[DEFAULT_DB_ALIAS]  # the thread's connection itself: `connection` is a proxy
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        rest = [f for f in opts.concrete_fields if not f.primary_key and f not in given]
        self._each_row = [f for f in rest if f.has_default() and callable(f.default)]
        self.tail = tuple(self._prep(f, f.get_default()) for f in rest if f not in self._each_row)
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in given + [f for f in rest if f not in self._each_row] + self._each_row)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        self.sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {qn(opts.db_table)} ({columns}) FROM STDIN"
        self.rows: list[tuple] = []

    def _prep(self, field, value):
        if isinstance(field, models.UUIDField) and self._db.features.has_native_uuid_field:
            return value  # a UUID as it is (psycopg's): get_db_prep_save per row cost a tenth of a load
        return field.get_db_prep_save(value, self._db)

    def add(self, values: tuple) -> None:
        if self._each_row:
            values = values + self.tail + tuple(self._prep(f, f.get_default()) for f in self._each_row)
        elif self.tail:
            values = values + self.tail
        self.rows.append(values)

    def flush(self, force: bool = False) -> None:
        """Write the buffered rows (all of them with `force`, else once `BATCH` have gathered)."""
        if self.rows and (force or len(self.rows) >= BATCH):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in self.rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, self.rows)
            self.rows = []


#: Field classes whose values, already of their Python type, go to PostgreSQL as they are.
_AS_THEY_ARE = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.UUIDField)


def insert_objects(model, objs: list, batch: int = BATCH) -> None:
    """`model.objects.bulk_create(objs)` for rows whose ids are needed back, without its per-field
    SQL compilation: on PostgreSQL the ids are taken from the table's sequence (one query a
    batch) and the rows written with COPY, each object given its id as bulk_create does. Each
    field's value is its `pre_save` (auto_now_add included), put in the database's form by the
    field unless it is a plain value (text, number, boolean, UUID, a date, a key's id).
    Elsewhere `bulk_create`."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch)
        return
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    fields = list(opts.concrete_fields)
    plain = [isinstance(f, _AS_THEY_ARE) or type(f) is models.DateField or f.is_relation for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        for at in range(0, len(objs), batch):
            chunk = objs[at:at + batch]
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [qn(opts.db_table), opts.pk.column, len(chunk)])
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
            with cursor.cursor.copy(f"COPY {qn(opts.db_table)} ({columns}) FROM STDIN") as copy:
                for obj in chunk:
                    copy.write_row([f.pre_save(obj, True) if as_is else f.get_db_prep_save(f.pre_save(obj, True), db)
                                    for f, as_is in zip(fields, plain, strict=True)])
                    obj._state.adding, obj._state.db = False, connection.alias


@contextmanager
def loading(models: Iterable) -> Iterator[None]:
    """Populating empty tables (PostgreSQL's advice for a bulk load): on PostgreSQL, the foreign
    keys, unique constraints and indexes (all but the primary key) of those of `models` that
    have no row are dropped while the rows go in and made again afterwards, each in one pass
    (an index built from sorted rows; a foreign key checked by one join) instead of an index
    entry and a deferred check per row. Inside a transaction: an error undoes the drops with the
    rows, and the tables are locked until it ends (the generator of test provinces uses it on a
    new database). Elsewhere, and for a table that has rows, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = []
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {qn(table)})")
            if cursor.fetchone()[0]:
                tables.append(table)
        if not tables:
            yield
            return
        # the checks already queued in this transaction run now, not against tables being altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("""SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
                          FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
                          ORDER BY contype, conname""", [tables])
        constraints = cursor.fetchall()  # foreign keys first ('f' < 'u')
        cursor.execute("""SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
                          WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
                          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                          ORDER BY 1""", [tables])
        indexes = cursor.fetchall()
        for table, name, _kind, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, _kind, definition in reversed(constraints):  # unique ones first
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
