"""Reads of the rules app: the frame rubric a cell's meetings are scored by (rules-v2.md §5) and
the committees' own scoring sheets (`ScoringSheet`) an organisation may name in its profile."""

from dataclasses import dataclass

from chibo.orgs.models import Organization
from chibo.rules import engine
from chibo.rules.models import ScoringSheet
from chibo.rules.services import effective_profile_for


@dataclass(frozen=True)
class FrameRubric:
    id: str  # hd42-frame or a sheet's code
    rubric: dict  # as the engine reads it (name, source, groups, bands, tot_requires_max)
    sheet: ScoringSheet | None  # the committee's sheet, None for the built-in frame


def sheets_visible(org: Organization):
    """The sheets `org`'s profile may name: those of the organisation and its ancestors (a sheet
    becomes a subtree's rubric through the profile of its owner or of an organisation below it)."""
    return ScoringSheet.objects.filter(organization_id__in=org.ancestor_ids()).select_related("organization")


def frame_rubric_for(org: Organization, profile: dict | None = None) -> FrameRubric:
    """The frame rubric of `org`'s meetings judged by HD 42: the profile's `rubric` when it names a
    sheet of the organisation or an ancestor (or `hd42-frame`), `hd42-frame` otherwise. Two
    queries for the profile (none when given) and one for the sheet when a sheet is named."""
    profile = effective_profile_for(org) if profile is None else profile
    named = profile.get("rubric")
    if isinstance(named, str) and named not in engine.RESERVED_RUBRIC_IDS:
        sheet = sheets_visible(org).filter(code=named).first()
        if sheet is not None:
            return FrameRubric(sheet.code, sheet.rubric(), sheet)
    return FrameRubric(engine.HD42_FRAME_ID, engine.HD42_FRAME, None)
