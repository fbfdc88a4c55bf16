"""The downloads of the *sổ thu nộp đảng phí* (a month, a year; .xlsx and PDF): the same access
as the cell's fee sheet (Right.FEES), logged as downloads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from chibo.changelog import record as changelog
from chibo.fees import calculator, ledger_io, selectors
from chibo.orgs.access import Right, get_org_for_user

CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _cell(request, code):
    org, _scope = get_org_for_user(request.user, code, Right.FEES)
    if not org.is_cell:
        raise Http404("Sổ đảng phí là của chi bộ.")
    return org


def _send(cell, ledgers, fmt, what, filename):
    from chibo.reports import feebook

    today = timezone.localdate()
    if fmt == "xlsx":
        content = ledger_io.book_xlsx(cell, ledgers, today)
    elif fmt == "pdf":
        content = feebook.to_pdf(cell, ledgers, today)
    else:
        raise Http404("Không có định dạng này.")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    changelog.download(cell, what, fmt, filename)
    return response


@login_required
def fee_book_month(request, code, month, fmt):
    cell = _cell(request, code)
    try:
        first = calculator.parse_month(month)
    except ValueError:
        raise Http404("Tháng không hợp lệ.") from None
    key = calculator.month_key(first)
    return _send(cell, [selectors.ledger(cell, first)], fmt, f"Sổ thu nộp đảng phí tháng {first:%m/%Y}",
                 f"so-dang-phi-{cell.code}-{key}.{fmt}")


@login_required
def fee_book_year(request, code, year, fmt):
    cell = _cell(request, code)
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    return _send(cell, selectors.cell_year(cell, year), fmt, f"Sổ thu nộp đảng phí năm {year}",
                 f"so-dang-phi-{cell.code}-{year}.{fmt}")
