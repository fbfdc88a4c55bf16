"""The help pages: open to every login (they hold nothing of the record)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from chibo.help.screens import SCREENS
from chibo.rules.engine import FINDING_LABELS
from chibo.rules.profile import DEFAULT_PROFILE
from chibo.vocabulary import FINDING_ADVICE, FINDING_MEANING

#: The help page of each role: (address, title).
ROLES = {
    "bi-thu": "Bí thư, thư ký chi bộ",
    "dang-vien": "Đảng viên",
    "cap-uy": "Cán bộ cấp ủy cấp trên",
    "quan-tri": "Quản trị viên",
}


def findings() -> list[dict]:
    """Every finding of the rule engine: its name, what it means (with the profile's defaults),
    where the rule comes from, and what to do about it."""
    return [{"code": code, "label": label, "meaning": FINDING_MEANING[code][0].format(**DEFAULT_PROFILE),
             "source": FINDING_MEANING[code][1], "advice": FINDING_ADVICE[code]}
            for code, label in FINDING_LABELS.items()]


@login_required
def help_index(request):
    return render(request, "help/index.html", {"roles": ROLES})


@login_required
def help_role(request, role):
    if role not in ROLES:
        raise Http404("Không có trang hướng dẫn này.")
    screens = {s.name: s for s in SCREENS}
    return render(request, f"help/{role}.html", {"roles": ROLES, "role": role, "title": ROLES[role],
                                                  "screens": screens})


@login_required
def help_findings(request):
    return render(request, "help/findings.html", {"roles": ROLES, "findings": findings()})
