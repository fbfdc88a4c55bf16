"""The scoring sheet form (a committee's frame rubric, rules-v2.md §5.1): the sheet's code, name,
source and bands, and one row per group (id, name, maximum, how it is measured, its tiers and the
extra points of its measure). Tiers are written one per line, "điều kiện: điểm":

    thiếu tối đa 15 phút: 4     (duration: short by at most 15 minutes)
    từ 90%: 4                   (attendance, previous tasks; duration: at least 90% of the minimum)
    còn lại: 1                  (always)

The form only parses; the rule engine's `rubric_errors` (through the service) says what is wrong,
and `place_errors` puts each message next to its field."""

import re

from django import forms
from django.forms import formset_factory

from chibo.orgs.forms import VietnameseErrorsMixin
from chibo.rules import engine

MEASURE_CHOICES = [("", "—"), ("entered", "Chấm tay (chi ủy chấm)"), ("duration", "Tự động: thời lượng"),
                   ("attendance", "Tự động: tỷ lệ dự họp"), ("previous_tasks", "Tự động: nhiệm vụ kỳ trước")]
TIER = re.compile(r"^\s*(?:(?P<short>thiếu(?:\s+tối\s+đa)?\s+(?P<n>\d{1,6})(?:\s+phút)?)|(?P<pct>(?:từ\s+|>=\s*|≥\s*)?"
                  r"(?P<p>\d{1,3})\s*%)|(?P<any>còn\s+lại|khác))\s*[:=]\s*(?P<points>\d{1,6})(?:\s+điểm)?\s*$",
                  re.IGNORECASE)
INT_ERRORS = {"invalid": "Nhập một số nguyên.", "min_value": "Giá trị không được âm.",
              "max_value": "Giá trị quá lớn."}


def int_field(label, required=False):
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=1000, error_messages={
        **INT_ERRORS, "required": f"Nhập {label.lower()}."})


def tiers_text(tiers) -> str:
    lines = []
    for t in tiers or ():
        if "short_by_at_most" in t:
            lines.append(f"thiếu tối đa {t['short_by_at_most']} phút: {t['points']}")
        elif "min_percent" in t:
            lines.append(f"từ {t['min_percent']}%: {t['points']}")
        else:
            lines.append(f"còn lại: {t['points']}")
    return "\n".join(lines)


def parse_tiers(text: str) -> list[dict]:
    tiers = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        m = TIER.match(line)
        if m is None:
            raise forms.ValidationError(f"Dòng {n} (“{line.strip()[:40]}”) không đúng dạng “điều kiện: điểm”, ví dụ "
                                        "“thiếu tối đa 15 phút: 4”, “từ 90%: 4” hoặc “còn lại: 1”.")
        tier = {"points": int(m["points"])}
        if m["short"]:
            tier["short_by_at_most"] = int(m["n"])
        elif m["pct"]:
            tier["min_percent"] = int(m["p"])
        tiers.append(tier)
    return tiers


class SheetForm(VietnameseErrorsMixin, forms.Form):
    code = forms.CharField(label="Mã phiếu (chữ thường không dấu, số, gạch ngang)", max_length=64,
                           error_messages={"required": "Nhập mã phiếu."})
    name = forms.CharField(label="Tên phiếu chấm", max_length=255, error_messages={"required": "Nhập tên phiếu chấm."})
    source = forms.CharField(label="Căn cứ (văn bản ban hành)", max_length=500, required=False)
    tot = int_field("Điểm tối thiểu xếp loại Tốt", required=True)
    kha = int_field("Điểm tối thiểu xếp loại Khá", required=True)
    trung_binh = int_field("Điểm tối thiểu xếp loại Trung bình", required=True)
    tot_requires_max = forms.CharField(label="Nhóm phải đạt tối đa để xếp loại Tốt (mã nhóm, cách nhau bởi dấu phẩy)",
                                       max_length=500, required=False)

    @staticmethod
    def initial_of(sheet) -> dict:
        data = sheet.data
        bands = data.get("bands") or {}
        return {"code": sheet.code, "name": sheet.name, "source": sheet.source, **bands,
                "tot_requires_max": ", ".join(data.get("tot_requires_max") or ())}


class GroupForm(VietnameseErrorsMixin, forms.Form):
    id = forms.CharField(label="Mã nhóm", max_length=64, required=False)
    name = forms.CharField(label="Tên nhóm tiêu chí", max_length=255, required=False)
    max = int_field("Điểm tối đa")
    measure = forms.ChoiceField(label="Cách chấm", choices=MEASURE_CHOICES, required=False)
    tiers = forms.CharField(label="Các mức điểm (mỗi dòng “điều kiện: điểm”)", required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    unexcused_points = int_field("Tối đa khi có vắng không lý do (tỷ lệ dự họp)")
    no_repeated_bonus = int_field("Điểm thưởng khi không ai vắng nhiều lần liên tiếp (tỷ lệ dự họp)")
    none_points = int_field("Điểm khi không có nhiệm vụ kỳ trước đến hạn")

    def clean_tiers(self):
        return parse_tiers(self.cleaned_data.get("tiers"))

    def group(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("id") and not d.get("name") and d.get("max") is None and not d.get("measure"):
            return None  # a blank row
        g = {"id": (d.get("id") or "").strip(), "name": (d.get("name") or "").strip(), "max": d.get("max"),
             "measure": d.get("measure") or ""}
        if d.get("tiers") or (g["measure"] and g["measure"] != "entered"):
            g["tiers"] = d.get("tiers") or []
        for key in ("unexcused_points", "no_repeated_bonus", "none_points"):
            if d.get(key) is not None:
                g[key] = d[key]
        return g

    @staticmethod
    def initial_of(group: dict) -> dict:
        return {**{k: group.get(k) for k in ("id", "name", "max", "measure", "unexcused_points",
                                              "no_repeated_bonus", "none_points")},
                "tiers": tiers_text(group.get("tiers"))}


GroupFormSet = formset_factory(GroupForm, extra=2, max_num=30, absolute_max=30)


def rubric_data(form: SheetForm, formset) -> dict:
    """The rubric's data from the valid forms (blank group rows left out; each row's index kept in
    `rows` so the engine's paths find their form again)."""
    groups, rows = [], []
    for i, f in enumerate(formset.forms):
        g = f.group()
        if g is not None:
            rows.append(i)
            groups.append(g)
    d = form.cleaned_data
    names = [n.strip() for n in (d.get("tot_requires_max") or "").split(",") if n.strip()]
    return {"groups": groups, "bands": {"tot": d["tot"], "kha": d["kha"], "trung_binh": d["trung_binh"]},
            "tot_requires_max": names, "rows": rows}


PATH = re.compile(r"^groups\[(?P<i>\d+)\](?:\.(?P<field>[a-z_]+))?")


def place_errors(errors: dict[str, str], form: SheetForm, formset, rows: list[int]) -> None:
    """The service's messages by path next to their fields: "groups[2].max" on the third group's
    row's `max`, "groups[1].tiers[0].points" on its tiers, "bands.tot" on `tot`, the rest above."""
    for path, message in errors.items():
        m = PATH.match(path)
        if m is not None:
            i = int(m["i"])
            target = formset.forms[rows[i]] if i < len(rows) else None
            field = m["field"] if m["field"] in GroupForm.base_fields else None
            if target is not None:
                target.add_error(field, message)
                continue
        head = path.split(".")[0].split("[")[0]
        if path.startswith("bands.") and path[6:] in ("tot", "kha", "trung_binh"):
            form.add_error(path[6:], message)
        elif head in ("code", "name", "source", "tot_requires_max"):
            form.add_error(head, message)
        else:
            formset.non_form_errors().append(message)


def built_in_initial() -> list[dict]:
    """The built-in frame's groups, as the starting point of a new sheet."""
    return [GroupForm.initial_of(g) for g in engine.HD42_FRAME["groups"]]
