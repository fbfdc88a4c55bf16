"""Rule profiles in the database: effective values along the tree, and logged edits."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.orgs.models import Organization
from chibo.orgs.selectors import ANSWER_DAYS, RECOMMENDATION_ANSWER_RANGE
from chibo.rules.engine.frame import HD42_FRAME, HD42_FRAME_ID
from chibo.rules.models import RuleProfile, RuleProfileChange
from chibo.rules.profile import (
    PROFILE_KEYS,
    ProfileResolver,
    effective_profile_with_sources,
    validate_profile_values,
)
from chibo.rules.rubric import RUBRIC_ID as HD12_RUBRIC_ID
from chibo.rules.rubric import RUBRIC_NAME as HD12_RUBRIC_NAME


def _stored_sheets(org: Organization) -> list[tuple[str, str]]:
    """[(code, name)] of the scoring sheets (rules-v2.md §5.1 frame rubrics stored by a committee)
    defined by the organisation or one of its superiors, by code. One query; none while the
    rules app has no sheet model."""
    try:
        sheet_model = apps.get_model("rules", "ScoringSheet")
    except LookupError:
        return []
    return list(sheet_model.objects.filter(organization_id__in=org.ancestor_ids())
                .order_by("code").values_list("code", "name"))


def rubric_choices(org: Organization) -> list[tuple[str, str]]:
    """[(rubric id, label)] a profile of ``org`` may name in ``rubric`` (rules-v2.md §6): the
    built-in frame ``hd42-frame``, the version-1 ``hd12-default`` and the stored sheets of the
    organisation's tree. One query."""
    return [
        (HD42_FRAME_ID, f"{HD42_FRAME['name']} ({HD42_FRAME_ID})"),
        (HD12_RUBRIC_ID, f"{HD12_RUBRIC_NAME} ({HD12_RUBRIC_ID})"),
        *((code, f"{name} ({code})") for code, name in _stored_sheets(org)),
    ]


def profile_with_sources(org: Organization) -> dict[str, tuple[object, Organization | None]]:
    """{key: (value, organisation the value comes from or None for the default)}. Two queries."""
    ids = org.ancestor_ids()
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    overrides = {orgs[pk].code: values for pk, values in
                 RuleProfile.objects.filter(organization_id__in=ids).values_list("organization_id", "values")}
    parent_of = {orgs[pk].code: (orgs[ids[i - 1]].code if i else None) for i, pk in enumerate(ids)}
    by_code = {o.code: o for o in orgs.values()}
    return {k: (v, by_code.get(src)) for k, (v, src) in
            effective_profile_with_sources(org.code, parent_of, overrides).items()}


def effective_profile_for(org: Organization) -> dict:
    return {k: v for k, (v, _src) in profile_with_sources(org).items()}


def effective_profiles_for(org_ids) -> dict[int, dict]:
    """{organisation id: effective profile} for many organisations (the same values as
    `effective_profile_for` of each). Two queries whatever their number; none for none."""
    orgs = list(Organization.objects.filter(pk__in=list(org_ids)).only("pk", "path"))
    if not orgs:
        return {}
    chains = {o.pk: o.ancestor_ids() for o in orgs}
    ids = {pk for chain in chains.values() for pk in chain}
    overrides = dict(RuleProfile.objects.filter(organization_id__in=ids).values_list("organization_id", "values"))
    parent_of = {pk: (chain[i - 1] if i else None) for chain in chains.values() for i, pk in enumerate(chain)}
    resolve = ProfileResolver(parent_of, overrides)
    return {pk: resolve(pk) for pk in chains}


@transaction.atomic
def profile_update(org: Organization, *, user, values: dict) -> list[RuleProfileChange]:
    """Set the organisation's own overrides. `values` maps each key to a value, or None to inherit.
    Every key of rules-v2.md §6 may be set; `rubric` names a built-in rubric or a scoring sheet
    of the organisation's tree. `recommendation_answer_days` (Chibo's own, not a rule of the audit)
    is kept on the organisation, out of the profile's values (the bundle's `profiles`). Every
    change is logged (who, when, old, new); only what changed is saved (a rule's change re-audits
    the subtree, the answer days' none)."""
    values = dict(values)
    answer_days = values.pop(ANSWER_DAYS, None)
    given = {k: v for k, v in values.items() if v is not None}
    rubric_ids = [code for code, _name in _stored_sheets(org)] if "rubric" in given else []
    problems = validate_profile_values(given, version=2, rubric_ids=rubric_ids)
    lo, hi = RECOMMENDATION_ANSWER_RANGE
    if answer_days is not None and (type(answer_days) is not int or not lo <= answer_days <= hi):
        problems.append((ANSWER_DAYS, f"phải là số nguyên từ {lo} đến {hi}"))
    if problems:
        raise ValidationError({key: reason for key, reason in problems})
    profile, _ = RuleProfile.objects.select_for_update().get_or_create(organization=org)
    old = dict(profile.values)
    new = {k: given[k] for k in PROFILE_KEYS if k in given}
    changes = [
        RuleProfileChange(organization=org, user=user, key=key, old_value=old.get(key), new_value=new.get(key))
        for key in PROFILE_KEYS if old.get(key) != new.get(key)
    ]
    if new != old:
        profile.values = new
        profile.save(update_fields=["values"])
    held = Organization.objects.select_for_update().only("pk", "recommendation_answer_days").get(pk=org.pk)
    if held.recommendation_answer_days != answer_days:
        changes.append(RuleProfileChange(organization=org, user=user, key=ANSWER_DAYS,
                                         old_value=held.recommendation_answer_days, new_value=answer_days))
        held.recommendation_answer_days = answer_days
        held.save(update_fields=["recommendation_answer_days"])
        org.recommendation_answer_days = answer_days
    RuleProfileChange.objects.bulk_create(changes)
    return changes
