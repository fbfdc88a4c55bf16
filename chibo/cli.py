"""`chibo`: the command line, a thin layer over Django management commands.

    chibo serve [--port N]     run the web application (gunicorn; --dev: the reloading development server)
    chibo backup / restore     the database and the uploaded files in one archive, and back
    chibo demo                 load the demo committee
    chibo generate ...         generate a fictional province for benchmarks
    chibo import / export / audit / minutes / resolution / minutes-book ...
    chibo report / year-sheet  the committee's report, the cells' year-end sheets (xlsx, pdf, json)
    chibo <any management command>   e.g. chibo migrate, chibo createsuperuser
"""

import os
import sys

ALIASES = {"minutes-book": "minutes_book", "year-sheet": "year_sheet"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if not argv[1].startswith("-") and argv[1] not in ("help", "version") and not known(argv[1]):
            sys.stderr.write(f"Không có lệnh '{argv[1]}'. Gõ 'chibo help' để xem các lệnh.\n")
            sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chibo", *argv[1:]])


def known(name: str) -> bool:
    """Whether `name` is a management command (True when that cannot be told: Django reports)."""
    try:
        import django
        from django.core.management import get_commands

        django.setup()
        return name in get_commands()
    except Exception:  # settings that do not load: let Django's own command line say why
        return True


if __name__ == "__main__":
    main()
