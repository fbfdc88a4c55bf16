"""`chibo generate`: the fictional province is the size asked for, valid, and the same for a seed."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q

from chibo.interchange.db import bundle_export
from chibo.interchange.generate import GenerateError, Generator, generate_province
from chibo.interchange.validate import bundle_to_json
from chibo.meetings.models import Attendance, Meeting, Speech, Task, Vote
from chibo.orgs.models import CELL_KINDS, Member, MemberPeriod, Membership, Organization, Position
from chibo.supervision.models import Visit

SMALL = {"members": 300, "cells": 12, "months": 3, "year": 2025}


def province(prefix="T01"):
    return Organization.objects.get(code=prefix)


def digest(bundle: dict) -> str:
    return hashlib.sha256(json.dumps(bundle_to_json(bundle), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def overlapping(periods) -> bool:
    periods = sorted(periods)
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        if end is None or start <= end:
            return True
    return False


@pytest.mark.django_db
def test_counts_tree_and_cell_sizes():
    counts = generate_province(seed=7, **SMALL)
    root = province()
    assert counts["root"] == "T01" and counts["members"] == 300 and counts["cells"] == 12
    assert Member.objects.filter(code__startswith="T01-").count() == 300
    orgs = list(Organization.objects.filter(root.subtree_q()))
    assert len(orgs) == counts["organizations"] == Organization.objects.count()
    assert [o.kind for o in orgs if o.parent_id is None] == ["dang_bo_tinh"]
    by_id = {o.pk: o for o in orgs}
    for o in orgs:
        if o.parent_id:
            parent = by_id[o.parent_id]
            assert o.path.startswith(parent.path) and o.depth == parent.depth + 1
            assert o.code.startswith(parent.code + "-")
    cells = [o for o in orgs if o.kind in CELL_KINDS]
    assert len(cells) == 12
    ever, now = defaultdict(set), defaultdict(int)
    for member_id, org_id, end in Membership.objects.values_list("member_id", "organization_id", "end"):
        ever[org_id].add(member_id)
        now[org_id] += end is None
    for cell in cells:
        assert 3 <= len(ever[cell.pk]) <= 60, cell.code
        assert 3 <= now[cell.pk] <= 60, cell.code
    # Every member has exactly one current membership, in a cell.
    assert Membership.objects.filter(end__isnull=True).count() == 300
    assert not Membership.objects.exclude(organization__kind__in=CELL_KINDS).exists()
    # Every cell has a secretary.
    assert set(Position.objects.filter(title="bi_thu").values_list("organization_id", flat=True)) == {
        c.pk for c in cells}
    probationary = Member.objects.filter(official_on__isnull=True).count()
    assert 3 <= probationary <= 60
    assert counts["meetings"] == Meeting.objects.count() > 12 * 3
    assert counts["attendance"] == Attendance.objects.count()
    assert counts["speeches"] == Speech.objects.count()
    assert counts["votes"] == Vote.objects.count()
    assert counts["tasks"] == Task.objects.count()
    assert counts["visits"] == Visit.objects.count()
    assert set(Meeting.objects.values_list("kind", flat=True)) >= {"regular", "thematic"}


@pytest.mark.django_db
def test_no_overlapping_periods_and_consistent_dates():
    generate_province(seed=11, **SMALL)
    memberships, periods = defaultdict(list), defaultdict(list)
    for member_id, start, end in Membership.objects.values_list("member_id", "start", "end"):
        assert end is None or end >= start
        memberships[member_id].append((start, end))
    for member_id, kind, start, end in MemberPeriod.objects.values_list("member_id", "kind", "start", "end"):
        assert end is None or end >= start
        periods[member_id, kind].append((start, end))
    assert not [m for m, p in memberships.items() if overlapping(p)]
    assert not [m for m, p in periods.items() if overlapping(p)]
    transfers = [sorted(p) for p in memberships.values() if len(p) > 1]
    assert transfers, "seed 11 moves a few members between cells"
    for (_, left), (arrived, end) in transfers:
        assert left + timedelta(days=1) == arrived and end is None
    for joined, official in Member.objects.values_list("joined_on", "official_on"):
        assert official is None or official >= joined
    for start, end in Meeting.objects.values_list("start", "end"):
        assert end is None or end >= start


@pytest.mark.django_db
def test_export_is_a_valid_bundle():
    from chibo.interchange.validate import BundleError, parse_bundle

    generate_province(seed=5, **SMALL)
    bundle = bundle_export(province())
    assert len(bundle["members"]) == 300 and len(bundle["meetings"]) == Meeting.objects.count()
    try:
        parsed = parse_bundle(json.dumps(bundle_to_json(bundle)))
    except BundleError as exc:  # pragma: no cover - shows every problem on failure
        pytest.fail("\n".join(map(str, exc.errors[:30])))
    assert len(parsed["meetings"]) == len(bundle["meetings"])


@pytest.mark.django_db
def test_same_seed_same_province():
    digests = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            generate_province(seed=seed, **SMALL)
            names = list(Member.objects.order_by("code").values_list("code", "full_name"))
            digests.append((digest({"names": names}), digest(bundle_export(province()))))
            transaction.set_rollback(True)
        assert not Member.objects.exists()
    assert digests[0] == digests[1]
    assert digests[0][0] != digests[2][0] and digests[0][1] != digests[2][1]


@pytest.mark.django_db
def test_prefix_and_months_do_not_change_the_members():
    generate_province(seed=9, prefix="A01", **SMALL)
    generate_province(seed=9, prefix="B01", **{**SMALL, "months": 0})
    a = [(c[4:], n, b) for c, n, b in Member.objects.filter(code__startswith="A01-").order_by("code").values_list(
        "code", "full_name", "birth_date")]
    b = [(c[4:], n, b) for c, n, b in Member.objects.filter(code__startswith="B01-").order_by("code").values_list(
        "code", "full_name", "birth_date")]
    assert a == b and len(a) == 300
    assert not Meeting.objects.filter(organization__code__startswith="B01-").exists()
    assert Meeting.objects.filter(organization__code__startswith="A01-").exists()


@pytest.mark.django_db
def test_command_prints_counts_and_refuses_existing_codes():
    out = StringIO()
    call_command("generate", "--members", "60", "--cells", "4", "--seed", "2", stdout=out)
    text = out.getvalue()
    assert "Đã sinh tỉnh T01" in text and "60 đảng viên" in text and "Thời gian" in text
    with pytest.raises(CommandError, match="đã có trong cơ sở dữ liệu"):
        call_command("generate", "--members", "60", "--cells", "4", "--seed", "3", stdout=StringIO())
    assert Member.objects.count() == 60
    call_command("generate", "--members", "60", "--cells", "4", "--prefix", "T02", stdout=StringIO())
    assert Member.objects.count() == 120


@pytest.mark.django_db
@pytest.mark.parametrize("members,cells,months", [(10, 4, 0), (300, 4, 0), (30, 0, 0), (30, 3, -1)])
def test_bad_sizes_are_refused(members, cells, months):
    with pytest.raises(GenerateError):
        generate_province(members=members, cells=cells, seed=1, months=months)
    with pytest.raises(CommandError):
        call_command("generate", "--members", str(members), "--cells", str(cells), "--months", str(months),
                     stdout=StringIO())
    assert not Organization.objects.exists()


# --- Version 2: HD 42 fields, quality records, fee ledgers (issue 14 item 5) -------------------

YEAR = {"members": 300, "cells": 12, "months": 12, "year": 2025}


def months_on_a_roll() -> int:
    """(member, month) pairs of 2025 in which the member is on some roll: one fee record each."""
    covered = set()
    for member_id, start, end in Membership.objects.values_list("member_id", "start", "end"):
        for m in range(1, 13):
            first, last = date(2025, m, 1), (date(2025, m + 1, 1) if m < 12 else date(2026, 1, 1)) - timedelta(days=1)
            if start <= last and (end is None or end >= first):
                covered.add((member_id, m))
    return len(covered)


def v2_audit(capsys, root="T01", date_from="2025-01-01", date_to="2025-12-31") -> dict:
    """`chibo audit --org ROOT --version 2` (it writes to the process's standard output)."""
    capsys.readouterr()
    call_command("audit", "--org", root, "--from", date_from, "--to", date_to, "--as-of", "2026-06-30",
                 "--version", "2")
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_version_2_fields_quality_records_and_fee_ledgers():
    from chibo.fees import calculator
    from chibo.fees.models import FeeRecord, Relief
    from chibo.interchange.generate import HD42_FROM
    from chibo.meetings.models import QualityRecord

    counts = generate_province(seed=7, **YEAR)
    # One fee record for every member and month of the period on a roll, no other.
    assert counts["fee_records"] == FeeRecord.objects.count() == months_on_a_roll() == 3439
    assert counts["reliefs"] == Relief.objects.count() == 5
    assert counts["quality"] == QualityRecord.objects.count() == 21
    assert not FeeRecord.objects.exclude(month__year=2025).exists()
    # Only meetings judged by HD 42 (from 28/10/2025) carry its fields and quality records.
    before = Meeting.objects.filter(date__lt=HD42_FROM)
    assert not before.filter(Q(docs_posted_on__isnull=False) | Q(superior_notified_on__isnull=False)
                             | Q(committee_prepared_on__isnull=False) | Q(results_posted_on__isnull=False)
                             | Q(quality__isnull=False)).exists()
    after = Meeting.objects.filter(date__gte=HD42_FROM, kind__in=("regular", "combined"))
    assert after.count() == 23
    assert after.filter(docs_posted_on__isnull=False, docs_posted_on__lt=F("date")).count() == 20
    assert after.filter(quality__isnull=False).count() == 20
    assert after.filter(results_posted_on__isnull=True).count() == 2
    statuses = Counter(QualityRecord.objects.values_list("status", flat=True))
    assert statuses == {"self": 5, "adopted": 8, "official": 8}
    assert not QualityRecord.objects.filter(status="official", official_grade="").exists()
    # The due is the calculator's (a hand-entered amount for QĐ 342's `other`).
    for month, category, base, due in FeeRecord.objects.values_list("month", "category", "base", "due"):
        proposal = calculator.propose(month, category, base)
        assert due == (proposal.amount if proposal.amount is not None else due)
        assert (base is None) == (category == "other") and calculator.due_refusal(month, category, due) is None
    assert FeeRecord.objects.filter(paid=0).count() == 55
    assert FeeRecord.objects.filter(channel="cash", collector__isnull=True).count() == 0


@pytest.mark.django_db
def test_fee_unpaid_review_exactly_for_the_members_generated_unpaid(capsys):
    gen = Generator(seed=7, **YEAR)
    gen.run()
    assert gen.counts["fee_unpaid_members"] == len(gen.unpaid[2025]) == 8
    audit = v2_audit(capsys)
    flagged = [f["member"] for f in audit["findings"] if f["code"] == "FEE_UNPAID_REVIEW"]
    assert flagged == sorted(gen.unpaid[2025])
    assert {f["period"] for f in audit["findings"] if f["code"] == "FEE_UNPAID_REVIEW"} == {"2025"}
    # The monthly totals name exactly the members whose month is unpaid, the generated ones among them.
    unpaid_months = Counter(code for entry in audit["fees"] for code in entry["unpaid"])
    assert {code for code, n in unpaid_months.items() if n >= 3} == set(gen.unpaid[2025])
    assert len(audit["fees"]) == 12 * 12
    codes = Counter(f["code"] for m in audit["meetings"] for f in m["findings"])
    hd42 = ("DOCS_NOT_POSTED", "NOTICE_MISSING", "COMMITTEE_PREP_MISSING", "RESULTS_NOT_POSTED", "QUALITY_NOT_SCORED")
    assert {code: codes[code] for code in hd42} == {
        "DOCS_NOT_POSTED": 3, "NOTICE_MISSING": 0, "COMMITTEE_PREP_MISSING": 2, "RESULTS_NOT_POSTED": 5,
        "QUALITY_NOT_SCORED": 3}  # 23 regular or combined meetings from 28/10/2025, 20 with a quality record


@pytest.mark.django_db
def test_same_seed_same_ledgers_and_quality_records():
    from chibo.fees.models import FeeRecord, Relief
    from chibo.meetings.models import QualityRecord

    def fingerprint():
        fees = list(FeeRecord.objects.order_by("member__code", "month").values_list(
            "member__code", "month", "category", "base", "due", "paid", "paid_on", "channel", "collector__code"))
        reliefs = list(Relief.objects.order_by("member__code").values_list(
            "member__code", "kind", "basis", "from_month", "to_month", "decided_by__code", "decision_number"))
        quality = list(QualityRecord.objects.order_by("meeting__ident").values_list(
            "meeting__ident", "scorer__code", "groups", "status", "official_grade"))
        text = json.dumps({"fees": fees, "reliefs": reliefs, "quality": quality}, default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest(), len(fees)

    digests = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            generate_province(seed=seed, **YEAR)
            digests.append(fingerprint())
            transaction.set_rollback(True)
    assert digests[0] == digests[1] and digests[0][1] > 3000
    assert digests[0][0] != digests[2][0]


@pytest.mark.django_db
def test_fee_and_quality_rows_go_in_by_batch():
    """Fee records, reliefs and quality records go in through the bulk writers: fewer rows than a
    batch (5 000) is one statement per table, whatever the number of members."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chibo.fees.models import FeeRecord, Relief
    from chibo.meetings.models import QualityRecord

    tables = [model._meta.db_table for model in (FeeRecord, Relief, QualityRecord)]
    inserts = []
    for members, prefix in ((120, "A01"), (240, "B01")):
        with CaptureQueriesContext(connection) as ctx:
            counts = generate_province(members=members, cells=4, seed=2, months=12, year=2025, prefix=prefix)
        assert counts["reliefs"] and counts["quality"] and 1000 < counts["fee_records"] < 5000
        inserts.append([sum(1 for q in ctx.captured_queries if f'INSERT INTO "{table}"' in q["sql"])
                        for table in tables])
    # One executemany ("N times: INSERT ...") per table; on PostgreSQL a COPY, which goes around
    # Django's cursor wrapper: no INSERT of those tables is seen at all.
    one = 0 if connection.vendor == "postgresql" else 1
    assert inserts == [[one] * 3, [one] * 3]


@pytest.mark.django_db
def test_version_1_data_is_the_same_province_without_the_version_2_rows(capsys):
    from chibo.fees.models import FeeRecord
    from chibo.meetings.models import QualityRecord

    call_command("generate", "--members", "300", "--cells", "12", "--months", "12", "--seed", "7", "--prefix", "A01",
                 "--version", "1", stdout=StringIO())
    generate_province(seed=7, prefix="B01", **YEAR)
    assert not FeeRecord.objects.filter(member__code__startswith="A01-").exists()
    assert not QualityRecord.objects.filter(meeting__organization__code__startswith="A01-").exists()
    assert not Meeting.objects.filter(organization__code__startswith="A01-", docs_posted_on__isnull=False).exists()
    a = Meeting.objects.filter(organization__code__startswith="A01-").order_by("ident")
    b = Meeting.objects.filter(organization__code__startswith="B01-").order_by("ident")
    fields = ("date", "kind", "start", "end", "notice_sent_on", "conclusion", "score_conduct")
    assert [m[1:] for m in a.values_list("ident", *fields)] == [m[1:] for m in b.values_list("ident", *fields)]
    capsys.readouterr()
    call_command("export", "--org", "A01", "--version", "1")  # accepted: nothing of version 2
    assert '"version": 1' in capsys.readouterr().out
