"""chibo minutes MEETING_ID --format docx|pdf --output FILE: the minutes of one meeting."""

import sys
from pathlib import Path

from chibo.commands import BadInput, ChiboCommand
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Meeting


def add_document_arguments(parser) -> None:
    parser.add_argument("meeting_id", help="mã cuộc họp (như trong bundle, ví dụ C1-2025-01)")
    parser.add_argument("--format", dest="fmt", choices=docs_adapter.FORMATS,
                        help="docx hoặc pdf (mặc định: theo đuôi tệp --output)")
    parser.add_argument("--output", "-o", required=True, help="tệp kết quả ('-' để in ra stdout)")


def find_meeting(ident: str) -> Meeting:
    meeting = Meeting.objects.select_related("organization").filter(ident=ident).first()
    if meeting is None:
        raise BadInput(f"Không tìm thấy cuộc họp có mã '{ident}'.")
    return meeting


def output_format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in docs_adapter.FORMATS:
        return suffix
    raise BadInput("Chọn định dạng bằng --format docx hoặc --format pdf.")


def write_output(content: bytes, output: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        raise BadInput(f"Không ghi được tệp '{output}': {exc.strerror or exc}.") from exc


class Command(ChiboCommand):
    help = "In biên bản sinh hoạt chi bộ của một cuộc họp ra tệp Word (.docx) hoặc PDF."

    def add_arguments(self, parser):
        add_document_arguments(parser)

    def handle(self, *args, meeting_id, fmt, output, **options):
        fmt = output_format(fmt, output)
        write_output(docs_adapter.minutes_file(find_meeting(meeting_id), fmt), output)
