"""Querysets compiled to SQL once per process, then run again with new values.

Building and compiling a queryset costs more CPU than running it: the user of a request with its
security state (five subqueries) takes about 2.5 ms to build and compile and 0.1 ms to run on
PostgreSQL over the loopback. The queries every request makes (the user, the access scope, the
meeting being recorded) have a fixed shape, only their values change, so they are compiled once
per process and database alias and run with the new values, through Django's own result
machinery (model instances with their ``select_related`` objects, ``values()`` dictionaries,
``values_list()`` tuples, the database's converters): what comes back is what the queryset
itself returns, which ``tests/test_prepared.py`` checks for every prepared query of the project.

    MEETING = Prepared(lambda ident: Meeting.objects.select_related("organization").filter(ident=ident),
                       ident="PREPARED-SAMPLE")
    MEETING.first(ident="C1-2026-01-T")

The ``build`` function receives the sample values once: each must reach the SQL as a parameter
of its own, unchanged (an ``int``, a ``str`` compared with ``=``, a ``date``), so that its place
among the parameters can be found; a sample that is transformed (``__startswith``), folded into
the SQL or used to shape the query (``__in`` of a list, a condition on ``None``) is refused when
the query is first compiled. Pick samples no constant of the query can equal."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import date

from django.db import connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError


class Prepared:
    #: Every prepared query of the process, by where it was made (tests/test_prepared.py runs each).
    registry: list[Prepared] = []

    def __init__(self, build: Callable[..., QuerySet], **samples):
        Prepared.registry.append(self)
        self.build = build
        self.samples = samples
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _template(self, alias: str | None):
        key = alias or "default"
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.get(key)  # another thread compiled it meanwhile
                if found is not None:
                    return found
                queryset = self.build(**self.samples)
                if alias:
                    queryset = queryset.using(alias)
                compiler = queryset.query.get_compiler(using=queryset.db)
                sql, params = compiler.as_sql()
                slots = {}
                taken: set[int] = set()
                for name, sample in self.samples.items():
                    positions = [i for i, value in enumerate(params) if _same(value, sample)]
                    if not positions or taken & set(positions):
                        raise ValueError(f"{name}={sample!r} is not a parameter of its own in {sql!r} {params!r}")
                    taken.update(positions)
                    slots[name] = [(i, type(params[i])) for i in positions]
                compiler.connection = None  # the connection is the calling thread's (see _run)
                found = self._compiled[key] = (queryset, compiler, sql, tuple(params), slots)
        return found

    def _run(self, alias: str | None, values: dict) -> list:
        queryset, compiler, sql, params, slots = self._template(alias)
        if values.keys() != slots.keys():
            raise TypeError(f"expected the values of {sorted(slots)}, got {sorted(values)}")
        params = list(params)
        for name, places in slots.items():
            value = values[name]
            for i, kind in places:
                params[i] = _adapt(value, kind)
        bound = copy.copy(compiler)
        bound.connection = connections[queryset.db]
        if (queryset.query.select_for_update and bound.connection.features.has_select_for_update
                and bound.connection.get_autocommit()):
            # what the compiler says when it compiles (a lock outside a transaction locks nothing)
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        bound.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        run = queryset._chain()
        run.query.get_compiler = lambda *args, **kwargs: bound
        return list(run)

    def all(self, *, using: str | None = None, **values) -> list:
        """Every row, as the queryset would return them."""
        return self._run(using, values)

    def first(self, *, using: str | None = None, **values):
        """The first row, or None (the queryset should be sliced to one row: ``[:1]``)."""
        rows = self._run(using, values)
        return rows[0] if rows else None


def _same(value, sample) -> bool:
    """`value`, a compiled parameter, is `sample` as the backend passes it: the same, an int in a
    sized wrapper (psycopg's Int2 for a small integer field), or a date as text (SQLite)."""
    if isinstance(value, bool) or isinstance(sample, bool):
        return value is sample
    if isinstance(value, int) and isinstance(sample, int):
        return int(value) == sample
    if type(value) is type(sample):
        return value == sample
    return isinstance(sample, date) and isinstance(value, str) and value == str(sample)


def _adapt(value, kind: type):
    """A new value passed as the sample was (`kind`: the compiled parameter's type)."""
    if kind is str and not isinstance(value, str):
        return str(value)
    if kind is not int and issubclass(kind, int) and isinstance(value, int) and not isinstance(value, bool):
        return kind(value)
    return value


def keep_prepared_statements(sender, connection, **kwargs):
    """``connection_created``: a PostgreSQL connection whose statements psycopg prepares
    (settings.DB_PREPARE_THRESHOLD) keeps up to settings.DB_PREPARED_MAX of them, not psycopg's
    100, which the pages' statements outnumber (the oldest would be dropped and prepared again)."""
    from django.conf import settings

    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None:
        connection.connection.prepared_max = settings.DB_PREPARED_MAX
