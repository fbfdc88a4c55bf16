"""chibo resolution MEETING_ID --format docx|pdf --output FILE: the resolution of one meeting."""

from chibo.commands import ChiboCommand
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.management.commands.minutes import (
    add_document_arguments,
    find_meeting,
    output_format,
    write_output,
)


class Command(ChiboCommand):
    help = "In nghị quyết của một cuộc họp chi bộ ra tệp Word (.docx) hoặc PDF."

    def add_arguments(self, parser):
        add_document_arguments(parser)

    def handle(self, *args, meeting_id, fmt, output, **options):
        fmt = output_format(fmt, output)
        write_output(docs_adapter.resolution_file(find_meeting(meeting_id), fmt), output)
