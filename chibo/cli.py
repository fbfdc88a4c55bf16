"""`chibo`: the command line, a thin layer over Django management commands.

    chibo serve [--port N]     run the web application (development server)
    chibo demo                 load the demo committee
    chibo generate ...         generate a fictional province for benchmarks
    chibo import / export / audit / minutes / resolution / minutes-book ...
    chibo <any management command>   e.g. chibo migrate, chibo createsuperuser
"""

import os
import sys

ALIASES = {"minutes-book": "minutes_book"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chibo", *argv[1:]])


if __name__ == "__main__":
    main()
