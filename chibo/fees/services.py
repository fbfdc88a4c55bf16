"""The writes of the fee ledger: one transaction each, Vietnamese ValidationError, the change log
through the models' registration (chibo/changelog/registry.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chibo import vocabulary
from chibo.changelog import record as changelog
from chibo.fees import calculator
from chibo.fees.models import MAX_AMOUNT, FeeRecord, Relief
from chibo.orgs.models import Member, Membership, Organization


def _month_of_cell(cell: Organization, member: Member, month: date) -> None:
    spans = list(Membership.objects.filter(member=member).values_list("organization_id", "start", "end"))
    if calculator.cell_of_month(spans, month) != cell.pk:
        raise ValidationError(f"Tháng {month:%m/%Y} của đồng chí {member.full_name} không thuộc sổ đảng phí của "
                              f"{cell.name} (theo ngày sinh hoạt cuối cùng trong tháng).")


def _amount(value, field: str, label: str, errors: dict) -> None:
    if value is not None and not 0 <= value <= MAX_AMOUNT:
        errors[field] = f"{label} phải từ 0 đến 1.000.000.000.000 đồng."


def _collector_ok(cell: Organization, collector: Member | None) -> bool:
    return collector is None or Membership.objects.filter(member=collector, organization=cell).exists()


def check_record(cell: Organization, month: date, *, category: str, base: int | None, due: int | None,
                 paid: int, paid_on: date | None, channel: str) -> tuple[int, dict]:
    """(the due to store, errors by field): the due proposed by the calculator when none is
    given; refusals in Vietnamese. No query."""
    errors: dict[str, str] = {}
    _amount(base, "base", "Thu nhập làm căn cứ", errors)
    _amount(paid, "paid", "Số đã nộp", errors)
    if category and category not in calculator.category_codes(month):
        errors["category"] = f"Đối tượng này không có trong biểu mức đảng phí áp dụng cho tháng {month:%m/%Y}."
    if due is None and category and "category" not in errors and "base" not in errors:
        due = calculator.propose(month, category, base).amount
    if due is None:
        errors.setdefault("due", "Nhập số phải đóng (đối tượng này chưa có căn cứ để tính, hoặc chưa nhập thu nhập).")
    else:
        refusal = calculator.due_refusal(month, category if "category" not in errors else "", due)
        if refusal:
            errors["due"] = refusal
    if channel and channel not in vocabulary.FEE_CHANNELS.codes:
        errors["channel"] = "Hình thức nộp không hợp lệ."
    if not paid and (paid_on or channel):
        errors["paid"] = "Chưa nộp (số đã nộp bằng 0) thì không ghi ngày nộp, hình thức nộp."
    return due, errors


@transaction.atomic
def fee_record_save(*, cell: Organization, member: Member, month: date, category: str = "", base: int | None = None,
                    due: int | None = None, paid: int = 0, paid_on: date | None = None, channel: str = "",
                    collector: Member | None = None, user=None) -> FeeRecord:
    """Set a member's month on the cell's sheet (created or changed): category, income, due (the
    calculator's proposal when left empty), and what was paid."""
    month = calculator.first_day(month)
    _month_of_cell(cell, member, month)
    due, errors = check_record(cell, month, category=category, base=base, due=due, paid=paid or 0,
                               paid_on=paid_on, channel=channel or "")
    if not _collector_ok(cell, collector):
        errors["collector"] = "Người thu phải là đảng viên của chi bộ."
    if errors:
        raise ValidationError(errors)
    record = FeeRecord.objects.select_for_update().filter(member=member, month=month).first() \
        or FeeRecord(member=member, month=month)
    record.category, record.base, record.due = category or "", base, due
    record.paid, record.paid_on, record.channel = paid or 0, paid_on if paid else None, channel if paid else ""
    record.collector = collector
    record.updated_by = user if getattr(user, "pk", None) else None
    record.save()
    return record


@transaction.atomic
def fee_payment_record(*, cell: Organization, member: Member, month: date, paid: int, paid_on: date | None,
                       channel: str, collector: Member | None = None, user=None) -> FeeRecord:
    """Record what a member paid for a month whose due is set (a payment never covers another
    month, rules-v2.md §8.1)."""
    month = calculator.first_day(month)
    _month_of_cell(cell, member, month)
    record = FeeRecord.objects.select_for_update().filter(member=member, month=month).first()
    if record is None:
        raise ValidationError(f"Tháng {month:%m/%Y} chưa có số phải đóng: ghi số phải đóng trước khi ghi nộp.")
    errors: dict[str, str] = {}
    _amount(paid, "paid", "Số đã nộp", errors)
    if paid and not paid_on:
        errors["paid_on"] = "Ghi ngày nộp."
    if paid and not channel:
        errors["channel"] = "Chọn hình thức nộp."
    if not paid and (paid_on or channel):
        errors["paid"] = "Chưa nộp (số đã nộp bằng 0) thì không ghi ngày nộp, hình thức nộp."
    if not _collector_ok(cell, collector):
        errors["collector"] = "Người thu phải là đảng viên của chi bộ."
    if errors:
        raise ValidationError(errors)
    record.paid, record.paid_on, record.channel = paid, paid_on if paid else None, channel if paid else ""
    record.collector = collector
    record.updated_by = user if getattr(user, "pk", None) else None
    record.save()
    return record


# --- reliefs -------------------------------------------------------------------------------

def deciding_orgs(cell: Organization) -> list[Organization]:
    """Who may decide a relief for a member of `cell`: the cell itself or, for a chi bộ trực
    thuộc, the committee directly above it (issue 14; not a committee further up). One query."""
    parent = Organization.objects.filter(pk=cell.parent_id).first() if cell.parent_id else None
    return [cell] if parent is None else [cell, parent]


@transaction.atomic
def relief_save(*, cell: Organization, member: Member, kind: str, basis: str, from_month: date,
                to_month: date | None, decided_by: Organization, reason: str = "", decision_number: str = "",
                decision_date: date | None = None, user=None, relief: Relief | None = None) -> Relief:
    """Record (or correct) a relief decision for a member of the cell (rules-v2.md §8.2): basis 5.1
    only exempts; one member's reliefs never share a month (a new decision that replaces a running
    one must end it first, reading 31)."""
    Member.objects.select_for_update().filter(pk=member.pk).first()  # serialises a member's reliefs
    from_month = calculator.first_day(from_month)
    to_month = calculator.first_day(to_month) if to_month else None
    errors: dict[str, str] = {}
    if not Membership.objects.filter(member=member, organization=cell).exists():
        raise ValidationError("Đồng chí này không sinh hoạt tại chi bộ.")
    if relief is not None and relief.member_id != member.pk:
        errors["member"] = "Không đổi được đảng viên của một quyết định: xóa quyết định này và ghi quyết định mới."
    if kind not in vocabulary.RELIEF_KINDS.codes:
        errors["kind"] = "Chọn miễn hoặc mức giảm."
    if basis not in vocabulary.RELIEF_BASES.codes:
        errors["basis"] = "Chọn căn cứ (khoản 1 hoặc khoản 2 Điều 5)."
    elif basis == "5.1" and kind != "exempt":
        errors["kind"] = "Theo khoản 1 Điều 5 chỉ được miễn đảng phí, không giảm."
    if to_month is not None and to_month < from_month:
        errors["to_month"] = "Tháng kết thúc phải từ tháng bắt đầu trở đi."
    if decided_by.pk not in {o.pk for o in deciding_orgs(cell)}:
        errors["decided_by"] = "Tổ chức quyết định phải là chi bộ hoặc cấp ủy cấp trên trực tiếp của chi bộ."
    if decision_date and decision_date.year < 1930:
        errors["decision_date"] = "Ngày quyết định không hợp lệ."
    if not errors:
        others = Relief.objects.filter(member=member).exclude(pk=relief.pk if relief else None)
        for other in others:
            if calculator.periods_overlap(from_month, to_month, other.from_month, other.to_month):
                end = f"{other.to_month:%m/%Y}" if other.to_month else "không thời hạn"
                errors["from_month"] = (f"Trùng thời gian với quyết định {other.get_kind_display().lower()} từ "
                                        f"{other.from_month:%m/%Y} đến {end}: kết thúc quyết định đó trước.")
                break
    if errors:
        raise ValidationError(errors)
    relief = relief or Relief(member=member, created_by=user if getattr(user, "pk", None) else None)
    relief.kind, relief.basis, relief.from_month, relief.to_month = kind, basis, from_month, to_month
    relief.decided_by, relief.reason = decided_by, reason
    relief.decision_number, relief.decision_date = decision_number, decision_date
    try:
        with transaction.atomic():
            relief.save()
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, on a race
        raise ValidationError({"from_month": "Trùng thời gian với một quyết định miễn, giảm khác."}) from exc
    return relief


@transaction.atomic
def relief_delete(relief: Relief) -> None:
    relief.delete()


# --- the month's import --------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRow:
    row: int  # the spreadsheet's row number
    member_code: str
    category: str
    base: int | None
    due: int | None
    paid: int
    paid_on: date | None
    channel: str


@transaction.atomic
def ledger_import(*, cell: Organization, month: date, rows: list[ImportRow], user=None) -> int:
    """Set every row's member's month, all or nothing: a bad row saves nothing and names its row,
    column and reason (ValidationError with every problem). Returns the number of rows saved."""
    from chibo.fees import ledger_io

    month = calculator.first_day(month)
    codes = [r.member_code for r in rows]
    members = {m.code: m for m in Member.objects.filter(code__in=codes)}
    spans: dict[int, list] = {}
    for member_id, org_id, start, end in Membership.objects.filter(member__code__in=codes).values_list(
            "member_id", "organization_id", "start", "end"):
        spans.setdefault(member_id, []).append((org_id, start, end))
    problems, seen = [], set()
    for r in rows:
        member = members.get(r.member_code)
        if member is None or calculator.cell_of_month(spans.get(member.pk, []), month) != cell.pk:
            problems.append(ledger_io.problem(r.row, "member", f"Mã {r.member_code} không có trong sổ đảng phí "
                                              f"của chi bộ tháng {month:%m/%Y}."))
            continue
        if r.member_code in seen:
            problems.append(ledger_io.problem(r.row, "member", f"Mã {r.member_code} đã có ở một dòng trên."))
            continue
        seen.add(r.member_code)
        _due, errors = check_record(cell, month, category=r.category, base=r.base, due=r.due, paid=r.paid,
                                    paid_on=r.paid_on, channel=r.channel)
        for name, message in errors.items():
            problems.append(ledger_io.problem(r.row, name, message))
    if problems:
        raise ValidationError(problems)
    for r in rows:
        fee_record_save(cell=cell, member=members[r.member_code], month=month, category=r.category, base=r.base,
                        due=r.due, paid=r.paid, paid_on=r.paid_on, channel=r.channel, user=user)
    changelog.import_summary(cell, f"sổ đảng phí tháng {month:%m/%Y}, {len(rows)} dòng", org_paths=[cell.path],
                             details={"month": calculator.month_key(month), "rows": len(rows)})
    return len(rows)
