"""The fee pages: a cell's monthly sheet, a member's month and its payment, relief decisions, the
month's import, the superior committee's totals and a member's own months. Access through
`orgs.access` (Right.FEES: the cell's secretary and its committee member in charge of fees;
Right.FEE_RELIEF; Right.SUPERVISE for the totals); docs/permissions.md, "party fees"."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chibo.fees import calculator, selectors, services
from chibo.fees.forms import FeeRecordForm, ImportForm, PaymentForm, ReliefForm
from chibo.fees.models import Relief
from chibo.formhelpers import QueryError, call_service, query_year, run_service
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.orgs.models import Member


def this_month() -> date:
    return calculator.first_day(timezone.localdate())


def _cell(request, code, right):
    org, scope = get_org_for_user(request.user, code, right)
    if not org.is_cell:
        raise Http404("Sổ đảng phí là của chi bộ.")
    return org, scope


def _month(text: str) -> date:
    try:
        return calculator.parse_month(text)
    except ValueError:
        raise Http404("Tháng không hợp lệ.") from None


def _ledger_url(cell, month) -> str:
    return reverse("fee_ledger", args=[cell.code]) + f"?thang={calculator.month_key(month)}"


@login_required
def ledger_page(request, code):
    """The cell's sheet of a month (?thang=YYYY-MM, this month by default)."""
    cell, _scope = _cell(request, code, Right.FEES)
    text = request.GET.get("thang", "").strip()
    try:
        month = calculator.parse_month(text) if text else this_month()
    except ValueError:
        raise QueryError(f"Tháng '{text[:20]}' không hợp lệ (định dạng yyyy-mm).") from None
    sheet = selectors.ledger(cell, month)
    return render(request, "fees/ledger.html", {
        "org": cell, "sheet": sheet, "month_key": calculator.month_key(month),
        "previous": calculator.month_key(calculator.add_months(month, -1)),
        "next": calculator.month_key(calculator.add_months(month, 1)), "no_basis": calculator.NO_BASIS})


def _member_month(cell, member_code, month):
    member = Member.objects.filter(code=member_code).first()
    row = selectors.ledger_row(cell, member, month) if member else None
    if row is None:
        raise Http404("Đảng viên không có trong sổ đảng phí tháng này của chi bộ.")
    return member, row


def _record_page(request, cell, month, member, row, form, payment):
    return render(request, "fees/record.html", {
        "org": cell, "month": month, "member": member, "row": row, "form": form, "payment": payment,
        "month_key": calculator.month_key(month), "no_basis": calculator.NO_BASIS,
        "proposals": _proposals(month, row)})


def _proposals(month, row):
    """What the calculator says for each category of the month's schedule, with the income
    entered (the page shows them beside the form)."""
    base = row.record.base if row.record else None
    return [calculator.propose(month, c["code"], base) for c in calculator.schedule_for(month)["categories"]]


def _initial(rec) -> dict:
    if rec is None:
        return {}
    return {"category": rec.category, "base": rec.base, "due": rec.due, "paid": rec.paid or None,
            "paid_on": rec.paid_on, "channel": rec.channel, "collector": rec.collector.code if rec.collector else ""}


@login_required
def record_edit(request, code, month, member_code):
    """A member's month: category, income, due, payment."""
    cell, _scope = _cell(request, code, Right.FEES)
    month = _month(month)
    member, row = _member_month(cell, member_code, month)
    collectors = selectors.collectors(cell)
    rec = row.record
    if request.method == "POST":
        form = FeeRecordForm(request.POST, month=month, collectors=collectors)
        if form.is_valid() and run_service(form, services.fee_record_save, cell=cell, member=member, month=month,
                                           user=request.user, **form.service_kwargs()):
            messages.success(request, f"Đã lưu đảng phí tháng {month:%m/%Y} của đồng chí {member.full_name}.")
            return redirect(_ledger_url(cell, month))
    else:
        form = FeeRecordForm(initial=_initial(rec), month=month, collectors=collectors)
    payment = PaymentForm(prefix="pay", collectors=collectors, initial={"paid_on": timezone.localdate()}) \
        if rec is not None else None
    return _record_page(request, cell, month, member, row, form, payment)


@login_required
@require_POST
def record_pay(request, code, month, member_code):
    """Record what the member paid for the month (its due already set)."""
    cell, _scope = _cell(request, code, Right.FEES)
    month = _month(month)
    member, row = _member_month(cell, member_code, month)
    collectors = selectors.collectors(cell)
    payment = PaymentForm(request.POST, prefix="pay", collectors=collectors)
    if payment.is_valid() and run_service(payment, services.fee_payment_record, cell=cell, member=member,
                                          month=month, user=request.user, **payment.service_kwargs()):
        messages.success(request, f"Đã ghi đồng chí {member.full_name} nộp đảng phí tháng {month:%m/%Y}.")
        return redirect(_ledger_url(cell, month))
    form = FeeRecordForm(initial=_initial(row.record), month=month, collectors=collectors)
    return _record_page(request, cell, month, member, row, form, payment)


def _relief_form(cell, data=None):
    return ReliefForm(data, members=selectors.cell_members(cell), orgs=services.deciding_orgs(cell))


@login_required
def reliefs_page(request, code):
    """The relief decisions of the cell's members, and a new one."""
    cell, _scope = _cell(request, code, Right.FEE_RELIEF)
    form = _relief_form(cell, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        relief = run_service(form, services.relief_save, cell=cell, user=request.user, **form.service_kwargs())
        if relief:
            messages.success(request, f"Đã ghi quyết định {relief.get_kind_display().lower()} của đồng chí "
                                      f"{relief.member.full_name}.")
            return redirect("fee_reliefs", cell.code)
    return render(request, "fees/reliefs.html", {"org": cell, "reliefs": selectors.cell_reliefs(cell),
                                                 "form": form})


@login_required
def relief_edit(request, code, pk):
    """Correct a relief decision, e.g. end a running one before a new decision replaces it."""
    cell, _scope = _cell(request, code, Right.FEE_RELIEF)
    relief = _relief_of(cell, pk)
    if request.method == "POST":
        form = _relief_form(cell, request.POST)
        if form.is_valid() and run_service(form, services.relief_save, cell=cell, user=request.user, relief=relief,
                                           **form.service_kwargs()):
            messages.success(request, f"Đã sửa quyết định miễn, giảm của đồng chí {relief.member.full_name}.")
            return redirect("fee_reliefs", cell.code)
    else:
        form = _relief_form(cell)
        form.initial = {"member": relief.member.code, "kind": relief.kind, "basis": relief.basis,
                        "from_month": f"{relief.from_month:%m/%Y}",
                        "to_month": f"{relief.to_month:%m/%Y}" if relief.to_month else "",
                        "decided_by": relief.decided_by.code, "decision_number": relief.decision_number,
                        "decision_date": relief.decision_date, "reason": relief.reason}
    return render(request, "fees/relief_edit.html", {"org": cell, "relief": relief, "form": form})


def _relief_of(cell, pk) -> Relief:
    relief = Relief.objects.filter(pk=pk, member__memberships__organization=cell).select_related(
        "member", "decided_by").first()
    if relief is None:
        raise Http404("Không tìm thấy quyết định.")
    return relief


@login_required
@require_POST
def relief_delete(request, code, pk):
    cell, _scope = _cell(request, code, Right.FEE_RELIEF)
    relief = _relief_of(cell, pk)
    services.relief_delete(relief)
    messages.success(request, f"Đã xóa quyết định miễn, giảm của đồng chí {relief.member.full_name}.")
    return redirect("fee_reliefs", cell.code)


@login_required
def import_page(request, code, month):
    """Load a month's sheet from Excel: every row or none."""
    from chibo.fees import ledger_io

    cell, _scope = _cell(request, code, Right.FEES)
    month = _month(month)
    errors = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = ledger_io.parse_month_xlsx(form.cleaned_data["file"].read())
            except ValueError as exc:
                errors = exc.args[0]
            else:
                saved, exc = call_service(services.ledger_import, cell=cell, month=month, rows=rows,
                                          user=request.user)
                if exc is None:
                    messages.success(request, f"Đã nhập {saved} dòng vào sổ đảng phí tháng {month:%m/%Y}.")
                    return redirect(_ledger_url(cell, month))
                errors = exc.messages
    else:
        form = ImportForm()
    return render(request, "fees/import.html", {"org": cell, "month": month, "form": form, "errors": errors,
                                                "month_key": calculator.month_key(month)})


@login_required
def totals_page(request, code):
    """The superior committee's view: per cell and month, totals only (?nam=YYYY)."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE)
    year = query_year(request, "nam", this_month().year)
    cells = selectors.subtree_totals(org, year)
    months = [date(year, m, 1) for m in range(1, 13)]
    table = [(c, [c.for_month(m) for m in months]) for c in cells]
    return render(request, "fees/totals.html", {"org": org, "year": year, "months": months, "table": table})


@login_required
def my_fees_page(request):
    """A member's own months (?nam=YYYY) and relief decisions."""
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản không gắn với hồ sơ đảng viên.")
    member = Member.objects.get(pk=scope.member_id)
    year = query_year(request, "nam", this_month().year)
    rows, reliefs = selectors.member_months(member, year)
    return render(request, "fees/mine.html", {"member": member, "year": year, "rows": rows, "reliefs": reliefs,
                                              "total_due": sum(r.due_after for r in rows),
                                              "total_paid": sum(r.record.paid for r in rows)})
