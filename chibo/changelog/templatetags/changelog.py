from django import template

register = template.Library()


@register.filter
def can_audit(scope, path: str) -> bool:
    """Whether the user (its Scope) reads the change log of the organisation with this path."""
    if scope is None:
        return False
    return scope.is_admin or any(str(path).startswith(p) for p in scope.supervise_paths)
