"""A committee's own scoring sheet (`ScoringSheet`, rules-v2.md §5.1): saved only when the rule
engine's `rubric_errors` finds nothing wrong with it. It becomes the frame rubric of the
committee's subtree once the rule profile's `rubric` names its code (rules.services.profile_update,
inherited down the tree like every profile key)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.orgs.models import Organization
from chibo.rules import engine
from chibo.rules.models import ScoringSheet

CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
RUBRIC_DATA_KEYS = ("groups", "bands", "tot_requires_max")


def sheet_errors(code: str, name: str, source: str, data: dict, *, org: Organization,
                 sheet: ScoringSheet | None = None) -> dict[str, str]:
    """{path: Vietnamese message}: the code's and the rubric's (paths of `engine.rubric_errors`,
    e.g. "groups[2].max", "bands.tot", "groups" for the maxima's sum). One query for the code."""
    errors: dict[str, str] = {}
    if sheet is not None and code != sheet.code:
        errors["code"] = f"Không đổi mã của phiếu đã lưu (“{sheet.code}”): bộ quy tắc có thể đang dùng mã này."
    elif not CODE.fullmatch(code or ""):
        errors["code"] = "Mã phiếu gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 64 ký tự)."
    elif code in engine.RESERVED_RUBRIC_IDS:
        errors["code"] = f"Mã “{code}” là của bộ tiêu chí có sẵn, không dùng được cho phiếu riêng."
    elif ScoringSheet.objects.filter(code=code).exclude(pk=sheet.pk if sheet else None).exists():
        errors["code"] = f"Mã “{code}” đã được dùng cho một phiếu chấm khác."
    if not (name or "").strip():
        errors["name"] = "Nhập tên phiếu chấm."
    rubric = {"name": name, "source": source, **{k: data[k] for k in RUBRIC_DATA_KEYS if k in data}}
    for path, reason in engine.rubric_errors(rubric):
        errors.setdefault(path or "groups", reason[:1].upper() + reason[1:] + ".")
    return errors


@transaction.atomic
def sheet_save(org: Organization, *, code: str, name: str, source: str, data: dict, user,
               sheet: ScoringSheet | None = None) -> ScoringSheet:
    """Create the organisation's sheet, or change `sheet` (one of its own). Refused, with every
    message by its path, when the rule engine finds the rubric invalid or the code is taken."""
    if sheet is not None:
        sheet = ScoringSheet.objects.select_for_update().get(pk=sheet.pk, organization=org)
    name, source = " ".join((name or "").split()), " ".join((source or "").split())
    data = {k: data[k] for k in RUBRIC_DATA_KEYS if k in data}
    errors = sheet_errors(code, name, source, data, org=org, sheet=sheet)
    if errors:
        raise ValidationError(errors)
    if sheet is None:
        return ScoringSheet.objects.create(organization=org, code=code, name=name[:255], source=source[:500],
                                           data=data, created_by=user, updated_by=user)
    sheet.code, sheet.name, sheet.source, sheet.data, sheet.updated_by = code, name[:255], source[:500], data, user
    sheet.save()
    return sheet
