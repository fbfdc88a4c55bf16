"""One vocabulary: every code list and its wording live in chibo/vocabulary.py and nowhere else."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from chibo import vocabulary
from chibo.interchange import validate
from chibo.meetings.documents import data as docdata
from chibo.rules import engine, rubric

ROOT = Path(__file__).resolve().parent.parent
CHIBO = ROOT / "chibo"

_TOPIC = "the field 'topic' (chuyên đề: the theme of a meeting), not the meeting kind"
#: String constants equal to a label that are not that label: (file, value) -> why.
NOT_A_LABEL = {
    ("chibo/orgs/demo.py", "Nam"): "a given name of the demo members",
    ("chibo/interchange/generate.py", "Nam"): "a given name / place word of the generated bundles",
    ("chibo/orgs/member_import.py", "Nam"): "the sample row of the import guide (a cell value the importer parses)",
    ("chibo/meetings/recording/forms.py", "Chuyên đề"): _TOPIC,
    ("chibo/meetings/planning/forms.py", "Chuyên đề"): _TOPIC,
    ("chibo/meetings/preparation/forms.py", "Chuyên đề"): _TOPIC,
    ("chibo/meetings/recording/services.py", "Chuyên đề"): _TOPIC,
    ("chibo/meetings/models.py", "chuyên đề"): _TOPIC,
}


def _forms() -> dict[str, str]:
    """Every wording of every entry -> which entry. A form equal to a code ("nam") is a code."""
    codes = {code for code_list in vocabulary.CODE_LISTS for code in code_list.codes}
    forms = {}
    for code_list in vocabulary.CODE_LISTS:
        for term in code_list:
            for form in term.forms:
                if form not in codes:
                    forms.setdefault(form, f"{code_list.name} {term.code!r}")
    return forms


def _python_files():
    for path in sorted(CHIBO.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "chibo/vocabulary.py" or "/migrations/" in rel:
            continue
        yield rel, path


def test_no_label_is_defined_outside_the_vocabulary():
    forms = _forms()
    found = []
    for rel, path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in forms:
                if (rel, node.value) in NOT_A_LABEL:
                    continue
                found.append(f"{rel}:{node.lineno}: {node.value!r} ({forms[node.value]})")
    assert not found, "labels defined outside chibo/vocabulary.py:\n" + "\n".join(found)


def test_every_form_is_unique_within_its_list():
    for code_list in vocabulary.CODE_LISTS:
        assert len(set(code_list.codes)) == len(code_list.codes), code_list.name
        assert len(set(code_list.labels.values())) == len(code_list.codes), code_list.name


def test_the_vocabulary_imports_no_django():
    code = "import sys, chibo.vocabulary; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_engine_validator_documents_and_rubric_read_the_vocabulary():
    assert engine.ORG_KINDS == validate.ORG_KINDS == vocabulary.ORG_KINDS.codes
    assert engine.CELL_KINDS is validate.CELL_KINDS is vocabulary.CELL_KINDS
    assert engine.MEETING_KINDS == validate.MEETING_KINDS == vocabulary.MEETING_KINDS.codes
    assert engine.ATTENDANCE_STATUSES == validate.STATUSES == vocabulary.ATTENDANCE_STATUSES.codes
    assert engine.VOTE_KINDS == validate.VOTE_KINDS == vocabulary.VOTE_KINDS.codes
    assert engine.VOTE_METHODS == validate.VOTE_METHODS == vocabulary.VOTE_METHODS.codes
    assert engine.GENDERS == validate.GENDERS == vocabulary.GENDERS.codes
    assert rubric.GRADES == vocabulary.GRADES.codes and rubric.GRADE_LABELS is vocabulary.GRADES.labels
    assert docdata.KIND_LABELS is vocabulary.MEETING_KINDS.in_sentence
    assert docdata.VOTE_KIND_LABELS is vocabulary.VOTE_KINDS.in_sentence
    assert docdata.VOTE_METHOD_LABELS is vocabulary.VOTE_METHODS.in_sentence
    assert docdata.GRADE_LABELS is vocabulary.GRADES.in_sentence
    assert docdata.ABSENCE_LABELS == {c: vocabulary.ATTENDANCE_STATUSES.in_sentence[c]
                                      for c in ("absent_excused", "absent_unexcused")}


def test_the_documents_keep_their_in_sentence_wording():
    """The printed minutes are pinned: their lower-case forms are exactly these."""
    assert docdata.KIND_LABELS == {"regular": "thường kỳ", "thematic": "chuyên đề",
                                   "combined": "thường kỳ kết hợp chuyên đề", "extraordinary": "bất thường"}
    assert docdata.ABSENCE_LABELS == {"absent_excused": "vắng có lý do", "absent_unexcused": "vắng không có lý do"}
    assert docdata.VOTE_KIND_LABELS == {
        "resolution": "thông qua nghị quyết, kết luận", "admission": "kết nạp đảng viên",
        "recognition": "công nhận đảng viên chính thức", "discipline": "thi hành kỷ luật",
        "election": "bầu cử", "other": "biểu quyết khác"}
    assert docdata.VOTE_METHOD_LABELS == {"show_of_hands": "giơ tay", "secret_ballot": "bỏ phiếu kín"}


#: (app label, model, field) -> the vocabulary list its choices come from.
CHOICE_FIELDS = {
    ("orgs", "Organization", "kind"): vocabulary.ORG_KINDS,
    ("orgs", "Member", "gender"): vocabulary.GENDERS,
    ("orgs", "MemberPeriod", "kind"): vocabulary.EXEMPTION_KINDS,
    ("orgs", "Position", "title"): vocabulary.POSITION_TITLES,
    ("orgs", "Role", "kind"): vocabulary.ROLE_KINDS,
    ("meetings", "Meeting", "kind"): vocabulary.MEETING_KINDS,
    ("meetings", "Meeting", "status"): vocabulary.MEETING_STATUSES,
    ("meetings", "Attendance", "status"): vocabulary.ATTENDANCE_STATUSES,
    ("meetings", "Vote", "kind"): vocabulary.VOTE_KINDS,
    ("meetings", "Vote", "method"): vocabulary.VOTE_METHODS,
    ("meetings", "AgendaItem", "section"): vocabulary.AGENDA_SECTIONS,
    ("meetings", "Ballot", "choice"): vocabulary.BALLOT_CHOICES,
    ("supervision", "Recommendation", "status"): vocabulary.RECOMMENDATION_STATUSES,
    ("supervision", "Recommendation", "topic"): vocabulary.RECOMMENDATION_TOPICS,
    ("supervision", "RecommendationStep", "status"): vocabulary.RECOMMENDATION_STATUSES,
    ("meetings", "BallotBox", "state"): vocabulary.BALLOT_BOX_STATES,
    ("meetings", "QualityRecord", "status"): vocabulary.QUALITY_STATUSES,
    ("meetings", "QualityRecord", "official_grade"): vocabulary.GRADES,
    ("notices", "NoticeDelivery", "channel"): vocabulary.NOTICE_CHANNELS,
    ("reminders", "Notification", "kind"): vocabulary.REMINDER_KINDS,
    ("reminders", "ReminderPreference", "kind"): vocabulary.REMINDER_KINDS,
    ("fees", "FeeRecord", "category"): vocabulary.FEE_CATEGORIES,
    ("fees", "FeeRecord", "channel"): vocabulary.FEE_CHANNELS,
    ("fees", "Relief", "kind"): vocabulary.RELIEF_KINDS,
    ("fees", "Relief", "basis"): vocabulary.RELIEF_BASES,
}


@pytest.mark.parametrize(("app", "model", "field"), sorted(CHOICE_FIELDS))
def test_model_choices_come_from_the_vocabulary(app, model, field):
    f = apps.get_model(app, model)._meta.get_field(field)
    assert list(f.choices) == CHOICE_FIELDS[app, model, field].choices()


def test_every_choice_field_over_a_vocabulary_code_is_listed():
    """A model field whose choices are a vocabulary list's codes must be in CHOICE_FIELDS."""
    by_codes = {code_list.codes: code_list for code_list in vocabulary.CODE_LISTS}
    unlisted = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            choices = getattr(f, "choices", None)
            if not choices:
                continue
            codes = tuple(c for c, _ in choices)
            key = (model._meta.app_label, model.__name__, f.name)
            if codes in by_codes and key not in CHOICE_FIELDS:
                unlisted.append(key)
            if key not in CHOICE_FIELDS and any(label in _forms() for _, label in choices):
                unlisted.append(key)
    assert not unlisted
