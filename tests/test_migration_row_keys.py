"""Migration meetings 0007 gives every existing row of a meeting its client key in one UPDATE per
table (PostgreSQL's gen_random_uuid(), SQLite's random bytes): after 0008 every row has a
distinct key that reads back as a UUID, and the required-and-unique constraint holds."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0006_lifecycle")]
AFTER = [("meetings", "0008_row_keys_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_distinct_keys():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Organization = apps.get_model("orgs", "Organization")
        Meeting = apps.get_model("meetings", "Meeting")
        cell = Organization.objects.create(code="K1", name="Chi bộ K1", kind="chi_bo", path="K1/")
        meeting = Meeting.objects.create(ident="K1-2025-01", organization=cell, kind="regular", date=date(2025, 1, 3))
        for name, fields in (("Guest", {"name": "Khách"}), ("AgendaItem", {"title": "Nội dung"}),
                             ("Vote", {"kind": "resolution", "method": "show_of_hands"})):
            model = apps.get_model("meetings", name)
            model.objects.bulk_create([model(meeting=meeting, position=n, **fields) for n in range(3)])

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        for name in ("Guest", "AgendaItem", "Vote"):
            keys = list(apps.get_model("meetings", name).objects.values_list("key", flat=True))
            assert len(keys) == 3 and len(set(keys)) == 3
            assert all(isinstance(k, uuid.UUID) for k in keys)
    finally:
        MigrationExecutor(connection).migrate(latest)
