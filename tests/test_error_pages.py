"""The error pages (issue 13 item 7): 400, 403, 404, 500 and a refused CSRF token are Vietnamese,
say what happened and offer a way back; scripts/start.sh serves them too (DEBUG off, static files
through WhiteNoise) while DEBUG=1 keeps Django's technical pages for developers."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from chibo import urls as chibo_urls

ROOT = Path(__file__).resolve().parent.parent


def boom(request):
    raise RuntimeError("secret detail of the failure")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [*chibo_urls.urlpatterns, path("thu-loi/500/", boom), path("thu-loi/403/", forbidden)]
handler400, handler403 = chibo_urls.handler400, chibo_urls.handler403
handler404, handler500 = chibo_urls.handler404, chibo_urls.handler500


def test_404_anonymous_unknown_address(client):
    response = client.get("/khong-co-trang-nay/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang (lỗi 404)</h1>" in page
    assert ("<p class=\"error-what\">Trang hoặc dữ liệu đồng chí tìm không có: địa chỉ có thể gõ sai, dữ liệu đã bị "
            "xóa, hoặc thuộc tổ chức đồng chí không được xem.</p>") in page
    assert '<a class="button" href="/">Về trang chủ</a>' in page and 'href="/dang-nhap/">Đăng nhập</a>' in page
    assert "Quay lại trang trước" not in page and "Page not found" not in page


def test_404_says_what_was_not_found_and_links_back(tree, personas, client_for):
    client = client_for(personas["secretary"])
    page = client.get("/sinh-hoat/KHONG-CO/", HTTP_REFERER="http://testserver/to-chuc/C1/").content.decode()
    assert '<p class="error-what">Không tìm thấy cuộc họp</p>' in page
    assert '<a class="button" href="http://testserver/to-chuc/C1/">Quay lại trang trước</a>' in page
    assert '<a class="button secondary" href="/">Về trang chủ</a>' in page and "Đăng nhập</a>" not in page
    # another site is never offered as the way back
    page = client.get("/sinh-hoat/KHONG-CO/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in page and "Quay lại trang trước" not in page


def test_403_gives_the_reason(tree, personas, meeting, client_for):
    response = client_for(personas["member"]).get(f"/sinh-hoat/{meeting.ident}/thong-bao/",
                                                  HTTP_REFERER=f"http://testserver/sinh-hoat/{meeting.ident}/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Không có quyền thực hiện (lỗi 403)</h1>" in page
    assert '<p class="error-what">Bạn không có quyền chuẩn bị cuộc họp này.</p>' in page
    assert f'href="http://testserver/sinh-hoat/{meeting.ident}/">Quay lại trang trước</a>' in page


def test_403_without_a_message_and_500_hide_details(settings, tree, personas, client_for):
    settings.ROOT_URLCONF = __name__
    client = client_for(personas["member"])
    page = client.get("/thu-loi/403/").content.decode()
    assert ("Tài khoản của đồng chí không có quyền xem trang này hoặc làm thao tác này. Không có gì bị thay đổi."
            in page)
    client.raise_request_exception = False
    response = client.get("/thu-loi/500/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Máy chủ gặp sự cố (lỗi 500)</h1>" in page and '<a class="button" href="/">Về trang chủ</a>' in page
    assert "secret detail" not in page and "RuntimeError" not in page and "Traceback" not in page


def test_400_and_csrf_failure_are_vietnamese(tree, personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "admin", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert ("Biểu mẫu đã cũ hoặc phiên làm việc đã hết hạn, nên thao tác chưa được thực hiện. Hãy tải lại trang, "
            "đăng nhập lại nếu cần, rồi thử lại.") in page
    assert "CSRF" not in page and "đề nghị quản trị viên" not in page
    client.force_login(personas["staff"])
    response = client.get("/to-chuc/G/bang-theo-doi/?ky=2025-13")
    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ (lỗi 400)</h1>" in response.content.decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.parametrize(("debug", "vietnamese"), [(None, True), ("1", False)])
def test_the_development_server_of_start_sh(tmp_path, debug, vietnamese):
    """The environment scripts/start.sh gives the server: users get Chibo's 404 and the static
    files; a developer's DEBUG=1 gets Django's technical page."""
    script = (ROOT / "scripts" / "start.sh").read_text()
    assert "export CHIBO_DEV=1 DEBUG=${DEBUG:-0}" in script
    env = {**os.environ, "CHIBO_DEV": "1", "DEBUG": debug or "0", "CHIBO_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                status, css = _get(f"http://127.0.0.1:{port}/static/chibo/chibo.css")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and ".topbar" in css
        status, page = _get(f"http://127.0.0.1:{port}/khong-co-trang-nay/")
        assert status == 404
        assert ("<h1>Không tìm thấy trang (lỗi 404)</h1>" in page) is vietnamese
        assert ("Page not found" in page) is not vietnamese
    finally:
        server.terminate()
        server.wait(10)
