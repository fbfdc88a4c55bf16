"""The screenshots of the help pages: which demo login, which page, which size.

tests/e2e/test_help_screens.py takes each one from the demo (with the demo's day pinned, so an
unchanged page gives the same picture) into chibo/static/chibo/help/<name>.png; the help
templates show them with `{% help_screen "name" %}`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    name: str  # the file chibo/static/chibo/help/<name>.png
    login: str  # the demo login that sees the page
    page: str  # which page (the test finds its address in the demo)
    phone: bool  # taken at a phone's width (360 px), else a laptop's (1280 px)
    caption: str


SCREENS: tuple[Screen, ...] = (
    Screen("bi_thu_trang_dau", "bithu1", "start", True, "Trang đầu của bí thư: cuộc họp tới và các việc cần làm."),
    Screen("bi_thu_chuan_bi", "bithu1", "prep", False, "Chuẩn bị cuộc họp: chương trình, tài liệu, thông báo."),
    Screen("bi_thu_ghi_bien_ban", "bithu2", "record", True, "Ghi biên bản trên điện thoại: điểm danh một chạm."),
    Screen("bi_thu_hoan_tat", "bithu2", "finalize", False, "Hoàn tất biên bản: kiểm tra trước khi khóa."),
    Screen("dang_vien_trang_dau", "dangvien1", "start", True, "Trang đầu của đảng viên: cuộc họp tới, việc của tôi."),
    Screen("cap_uy_bang_theo_doi", "dangy", "dashboard", False, "Bảng theo dõi của cấp ủy."),
    Screen("cap_uy_tuan_thu", "dangy", "compliance", False, "Kiểm tra tuân thủ: mọi kết luận của các chi bộ."),
    Screen("quan_tri_to_chuc", "admin", "tree", False, "Cây tổ chức."),
)

BY_NAME = {screen.name: screen for screen in SCREENS}
