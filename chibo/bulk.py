"""Writing many rows whose ids nobody needs back: PostgreSQL's COPY, elsewhere plain INSERTs.

`RowWriter` takes value tuples for chosen fields of one model and writes them `BATCH` at a time:
with psycopg's `copy` on PostgreSQL (its fastest path), else as one executemany through
Django's cursor, ids from the database. Several times faster than building model instances for
`bulk_create`, whose per-field SQL compilation dominates at millions of rows. The generator of
test provinces (chibo.interchange.generate) and the stored audit results (chibo.results) use it.
"""

from __future__ import annotations

from django.db import connection

#: Rows written per COPY or executemany.
BATCH = 5000


class RowWriter:
    """Buffered INSERT of value tuples into one model's table. The columns not given get the
    field's default: computed once, or for each row where the default is a callable (a UUID
    key), and put in the database's form (a UUID is text on SQLite). The values given must
    already be in the database's form (ints, strings, dates, JSON text)."""

    def __init__(self, model, fields: tuple[str, ...]):
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

    @staticmethod
    def _prep(field, value):
        return field.get_db_prep_save(value, connection)

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
