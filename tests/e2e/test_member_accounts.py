"""Accounts and roles on a member's page, in a browser: committee staff create a login for a
member (the initial password shown once), the member logs in with it and is made to change it
before anything else, staff give the login a
role, then disable it and the member's open session ends at the next page. Nothing is refused
by the Content-Security-Policy."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from chibo.orgs.models import Role  # noqa: E402
from tests.e2e.test_csp_browser import _watch  # noqa: E402
from tests.e2e.test_start_page import login  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_create_a_login_give_a_role_and_disable_it(live_server, personas, tree, browser):
    staff_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    member_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    staff = staff_context.new_page()
    problems = _watch(staff)
    login(staff, live_server, "staff")
    staff.goto(f"{live_server.url}/dang-vien/M3/")
    assert "Đảng viên chưa có tài khoản đăng nhập." in staff.locator(".member-account").inner_text()
    staff.get_by_role("link", name="Tạo tài khoản").click()
    assert staff.get_by_label("Tên đăng nhập").input_value() == "m3"
    staff.get_by_label("Tên đăng nhập").fill("cuong.le")
    staff.get_by_role("button", name="Tạo tài khoản").click()
    staff.wait_for_load_state()
    password = staff.get_by_label("Mật khẩu ban đầu").input_value()
    assert len(password) == 14

    # the member logs in with it
    member = member_context.new_page()
    member.goto(f"{live_server.url}/dang-nhap/")
    member.fill("#id_username", "cuong.le")
    member.fill("#id_password", password)
    member.click("button[type=submit]")
    member.wait_for_load_state()
    # a password someone else chose: changed first, the page says why
    assert member.url == f"{live_server.url}/tai-khoan/doi-mat-khau/"
    assert member.locator("#forced-change").is_visible()
    member.goto(f"{live_server.url}/cua-toi/")
    assert member.url == f"{live_server.url}/tai-khoan/doi-mat-khau/"
    member.fill("#id_old_password", password)
    member.fill("#id_new_password1", "Chi-bo-thon-Dong-2025")
    member.fill("#id_new_password2", "Chi-bo-thon-Dong-2025")
    member.click("button[type=submit]")
    member.wait_for_url(f"{live_server.url}/tai-khoan/doi-mat-khau/xong/")
    member.goto(f"{live_server.url}/cua-toi/")
    assert member.url == f"{live_server.url}/cua-toi/"

    # a role, then the login disabled: the member's session ends at the next page
    staff.get_by_role("link", name="Về trang đảng viên").click()
    staff.get_by_role("link", name="Giao vai trò").click()
    staff.get_by_label("Vai trò").select_option("secretary")
    staff.get_by_label("Tại tổ chức (mã)").fill("C1")
    staff.get_by_role("button", name="Giao vai trò").click()
    staff.wait_for_load_state()
    assert staff.url == f"{live_server.url}/dang-vien/M3/"
    assert list(Role.objects.filter(user__username="cuong.le").values_list("kind", "organization__code")) == [
        ("secretary", "C1")]
    assert "Chi bộ thôn Đông (C1)" in staff.locator("table.roles").inner_text()
    staff.get_by_role("button", name="Khóa tài khoản").click()
    staff.wait_for_load_state()
    assert "Đã khóa" in staff.locator(".member-account").inner_text()
    member.goto(f"{live_server.url}/cua-toi/")
    assert "/dang-nhap/" in member.url
    assert problems == []
    staff_context.close()
    member_context.close()
