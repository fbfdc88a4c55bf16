"""Small glue between forms and services: a service's ValidationError lands on the form."""

from django.core.exceptions import ValidationError


def run_service(form, fn, *args, **kwargs):
    """Call a service; on ValidationError attach its messages to the form and return None."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for err in errors:
                    form.add_error(target, err.messages[0] if hasattr(err, "messages") else str(err))
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return None
