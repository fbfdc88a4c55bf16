"""Upload handling that never stores more than the largest accepted file (chibo.limits).

Past `DOCUMENT_MAX_BYTES` the rest of a file is read and dropped, not written to disk; the file
keeps its real size, so the form refuses it with its usual message ("Tệp lớn quá 20 MB.")."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler

from chibo.limits import DOCUMENT_MAX_BYTES


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    limit = DOCUMENT_MAX_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.stored = 0

    def receive_data_chunk(self, raw_data, start):
        if self.stored < self.limit:
            kept = raw_data[: self.limit + 1 - self.stored]  # one byte past the limit: "too large"
            self.file.write(kept)
            self.stored += len(kept)

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size  # the size sent, not the size stored
        return self.file
