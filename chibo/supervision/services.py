"""Writes of the committees' work on their cells: publishing a month's orientation of the cells'
meetings, and recording that a cell took it up.

Each function is one transaction and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input. Access is checked by the views (publishing needs
Right.SUPERVISE on the committee); the services check the tree and the state."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chibo import limits
from chibo.orgs.models import Organization
from chibo.supervision.models import Orientation, OrientationUptake

NOT_A_COMMITTEE = "Chỉ cấp ủy cấp trên chi bộ mới ban hành định hướng sinh hoạt chi bộ."
NOT_BELOW = "Định hướng này không phải của cấp ủy cấp trên chi bộ."
TITLE_MAX = 255


def _text(value) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def orientation_publish(committee: Organization, *, year: int, month: int, title: str, content: str = "",
                        documents: str = "", user=None) -> Orientation:
    """Publish the orientation of `committee`'s cells' meetings for `month`/`year`: a topic, what
    to take up and the documents to study (one per line). Every cell below sees it at once."""
    if committee.is_cell:
        raise ValidationError(NOT_A_COMMITTEE)
    title = _text(title)
    if not title:
        raise ValidationError({"title": "Nhập chủ đề định hướng."})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"Chủ đề dài quá {TITLE_MAX} ký tự."})
    if not (limits.YEAR_MIN <= int(year) <= limits.YEAR_MAX):
        raise ValidationError({"year": f"Năm phải từ {limits.YEAR_MIN} đến {limits.YEAR_MAX}."})
    if not 1 <= int(month) <= 12:
        raise ValidationError({"month": "Tháng phải từ 1 đến 12."})
    content = (content or "").strip()
    if len(content) > limits.TEXT_LIMITS["orientation.content"]:
        raise ValidationError({"content": limits.too_long("Nội dung định hướng",
                                                          limits.TEXT_LIMITS["orientation.content"])})
    documents = "\n".join(line.strip() for line in (documents or "").splitlines() if line.strip())
    # The documents become the notes of the agenda item a cell adds: the same limit.
    if len(documents) > limits.TEXT_LIMITS["agenda.notes"]:
        raise ValidationError({"documents": limits.too_long("Tài liệu nghiên cứu", limits.TEXT_LIMITS["agenda.notes"])})
    return Orientation.objects.create(organization=committee, year=year, month=month, title=title, content=content,
                                      documents=documents, published_by=user)


@transaction.atomic
def orientation_uptake_record(orientation: Orientation, meeting, user=None) -> OrientationUptake:
    """Record that `meeting`'s cell took `orientation` up (its agenda now has it). Refused when the
    orientation is not from a committee above the cell, or the cell already took it up."""
    cell = meeting.organization
    committee = orientation.organization
    if not (cell.path.startswith(committee.path) and cell.path != committee.path):
        raise ValidationError(NOT_BELOW)
    done = OrientationUptake.objects.filter(orientation=orientation, organization=cell).select_related("meeting").first()
    if done is not None:
        raise ValidationError(f"Chi bộ đã đưa định hướng này vào chương trình cuộc họp ngày "
                              f"{done.meeting.date:%d/%m/%Y}.")
    try:
        with transaction.atomic():
            return OrientationUptake.objects.create(orientation=orientation, organization=cell, meeting=meeting,
                                                    taken_by=user)
    except IntegrityError as exc:  # taken up at the same moment by another request
        raise ValidationError("Chi bộ đã đưa định hướng này vào chương trình.") from exc
