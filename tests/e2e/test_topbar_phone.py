"""The top bar on a phone (issue 13 item 9): at 360 px it is one row (the brand, "Của tôi", the
reminders and "Menu"), so the page's content starts within about 100 px; the rest (Tổ chức, Đảng
viên, help, who is logged in and in which role, the role switch, logout) is behind a disclosure
(`<details>`: no JavaScript) that the keyboard opens; the page never scrolls sideways; axe-core
finds nothing with the menu closed or open. On a laptop the menu's items stand in the bar."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.conftest import PASSWORD  # noqa: E402
from tests.e2e.test_accessibility import AXE, AXE_RUN, SCROLLS_SIDEWAYS, TAGS  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOX = "(sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return [r.top, r.bottom, r.width]; }"


def login(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def axe(page) -> list[str]:
    return [f"{v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS)]


@pytest.mark.parametrize("width", [360, 390])
def test_the_top_bar_is_one_row_on_a_phone(live_server, personas, tree, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    login(page, live_server, "secretary")  # a secretary who is also a member: the longest bar
    for path in ("/", "/cua-toi/", f"/to-chuc/{tree['C1'].code}/"):
        page.goto(f"{live_server.url}{path}")
        top, bottom, _width = page.evaluate(BOX, "header.topbar")
        assert (top, bottom < 120) == (0, True), (path, bottom)
        main_top = page.evaluate(BOX, "main")[0]
        assert main_top == bottom and main_top < 120
        assert page.evaluate(SCROLLS_SIDEWAYS) is False, path
        assert page.locator("#whoami").is_visible() is False  # behind the menu
        assert axe(page) == [], path
    # The keyboard opens the menu: Tab to "Menu", Enter; who is logged in, the switch, logout.
    menu = page.locator("#topbar-menu > summary")
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#topbar-menu[open]")
    assert page.locator("#whoami").is_visible()
    assert " ".join(page.locator("#whoami").inner_text().split()) == "Tài khoản: secretary (Bí thư / thư ký chi bộ)"
    assert page.locator("#role-switch").is_visible()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.evaluate(SCROLLS_SIDEWAYS) is False
    _top, _bottom, menu_width = page.evaluate(BOX, "#topbar-menu > nav")
    assert menu_width <= width
    assert axe(page) == []
    # The open menu lies over the page: the page does not move.
    assert page.evaluate(BOX, "main")[0] == page.evaluate(BOX, "header.topbar")[1]
    page.keyboard.press("Tab")  # the first item of the menu
    assert page.evaluate("() => document.activeElement.textContent") == "Tổ chức"
    page.locator("#role-switch").click()
    page.wait_for_url(f"{live_server.url}/vai-tro/")
    context.close()


def test_on_a_laptop_the_menu_items_stand_in_the_bar(live_server, personas, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    login(page, live_server, "secretary")
    assert page.locator("#topbar-menu > summary").is_visible() is False
    assert page.locator("#whoami").is_visible() and page.locator("#role-switch").is_visible()
    assert page.get_by_role("link", name="Tổ chức").is_visible()
    assert page.evaluate(BOX, "header.topbar")[1] < 60
    assert axe(page) == []
    context.close()
