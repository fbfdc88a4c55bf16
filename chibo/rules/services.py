"""Rule profiles in the database: effective values along the tree, and logged edits."""

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.orgs.models import Organization
from chibo.rules.models import RuleProfile, RuleProfileChange
from chibo.rules.profile import (
    PROFILE_KEYS,
    ProfileResolver,
    effective_profile_with_sources,
    validate_profile_values,
)


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
    Every change is logged (who, when, old, new)."""
    given = {k: v for k, v in values.items() if v is not None}
    problems = validate_profile_values(given)
    if problems:
        raise ValidationError({key: reason for key, reason in problems})
    profile, _ = RuleProfile.objects.select_for_update().get_or_create(organization=org)
    old = dict(profile.values)
    new = {k: given[k] for k in PROFILE_KEYS if k in given}
    changes = [
        RuleProfileChange(organization=org, user=user, key=key, old_value=old.get(key), new_value=new.get(key))
        for key in PROFILE_KEYS if old.get(key) != new.get(key)
    ]
    profile.values = new
    profile.save(update_fields=["values"])
    RuleProfileChange.objects.bulk_create(changes)
    return changes
