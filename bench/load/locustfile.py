"""The evening of the 3rd: every cell meets, minute-takers record on their phones while the
committees watch their dashboards and members open their pages (locust, headless).

    .venv/bin/locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 \
        --users 60 --spawn-rate 20 --run-time 60s --plan bench/out/load/plan.json \
        --acks bench/out/load/acks.json MinuteTaker CommitteeStaff Member

`bench/load/run.py` does it all (set-up, server, this, the floor, the check of the rows); the
plan comes from `bench/load/setup.py` (a session per login, the meetings to record).

- **MinuteTaker** takes the next meeting of the plan not yet taken and records it as the
  recording page does, speaking the autosave endpoints' contract (the docstring of
  chibo/meetings/recording/views.py): the meeting page, the recording page (the header's
  version read from it), the header fields (each with the version the last save answered and
  the value it replaces), one tap per member on the roll (version 0: no row yet), speeches, a
  vote and tasks (each row with a UUID made here, version 0; every save with panel=0 as
  record.js sends it), the checks panel after each part (record.js asks for it when the
  minute-taker pauses), the conclusion and resolution, the finalize page, *Hoàn tất* (confirm=1) and the meeting page again; then the
  next meeting. Between two actions it waits --think seconds (on average).
- **CommitteeStaff** opens the dashboard of its committee (/to-chuc/CODE/bang-theo-doi/).
- **Member** opens its page (/cua-toi/).
- **Ping** (the floor, run alone): GET /healthz, the most trivial view that touches the database.

Every write the server acknowledged ({"ok": true}, or the redirect of a successful finalize) is
kept with the values sent and written to --acks when the test stops: `bench/load/verify.py`
compares them with the database (0 lost writes)."""

from __future__ import annotations

import itertools
import json
import random
import re
import secrets
import uuid
from collections import defaultdict
from pathlib import Path

from locust import FastHttpUser, between, events, task

#: The header's version on the recording page: <div id="rec" ... data-version="N">.
HEADER_VERSION = re.compile(r'<div id="rec"[^>]*?data-version="(\d+)"', re.S)
PLAN: dict = {}
MEETINGS = None  # iterator over the plan's meetings: each is recorded once
STAFF = None
MEMBERS = None
#: What the server acknowledged, by kind: key -> the values sent (the last acknowledged wins).
ACKS: dict[str, dict] = defaultdict(dict)
SENT: dict[str, int] = defaultdict(int)


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--plan", default="bench/out/load/plan.json", help="written by bench/load/setup.py")
    parser.add_argument("--acks", default="bench/out/load/acks.json", help="the acknowledged writes (output)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between two actions of a user")


@events.init.add_listener
def _load_plan(environment, **_kwargs):
    global MEETINGS, STAFF, MEMBERS
    options = environment.parsed_options
    if options is None:
        return
    PLAN.update(json.loads(Path(options.plan).read_text()))
    MEETINGS = iter(PLAN["meetings"])
    STAFF = itertools.cycle(PLAN["staff"] or [None])
    MEMBERS = itertools.cycle(PLAN["members"] or [None])
    think = options.think
    for cls in (MinuteTaker, Ping):
        cls.wait_time = between(think * 0.5, think * 1.5)
    for cls in (CommitteeStaff, Member):  # a page is read for a while before the next one
        cls.wait_time = between(think * 1.5, think * 4.5)


@events.test_stop.add_listener
def _write_acks(environment, **_kwargs):
    options = environment.parsed_options
    if options is None or not options.acks:
        return
    out = {kind: [[*json.loads(key), value] for key, value in rows.items()] for kind, rows in ACKS.items()}
    out["sent"] = dict(SENT)
    Path(options.acks).parent.mkdir(parents=True, exist_ok=True)
    Path(options.acks).write_text(json.dumps(out, ensure_ascii=False))


class ChiboUser(FastHttpUser):
    """A logged-in user: the session cookie of the plan, a CSRF cookie of its own (Django checks
    that the X-CSRFToken header matches the cookie), cookies sent by hand (the jar is off, so
    one user object can act for several logins in turn)."""

    abstract = True
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self):
        self.client.client.cookiejar = None
        self.csrf = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
        self.headers = {}

    def login_as(self, session: str) -> None:
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={self.csrf}", "X-CSRFToken": self.csrf,
                        "Referer": self.host + "/"}

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, headers=self.headers, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
        return response


class MinuteTaker(ChiboUser):
    weight = 6

    def on_start(self):
        super().on_start()
        self.rng = random.Random()

    def pause(self):
        self._sleep(self.wait_time())

    def _sleep(self, seconds):
        import gevent

        gevent.sleep(seconds)

    def save(self, path: str, name: str, data: dict, kind: str, key: tuple, value) -> dict | None:
        """POST one autosave; keep it as acknowledged when the server says {"ok": true}, and
        return the answer (its "version" is what the next edit of that record is based on)."""
        SENT[kind] += 1
        answer = None
        data = {**data, "panel": "0"}  # as record.js: the checks are asked for at a pause (checks())
        with self.client.post(path, name=name, data=data, headers=self.headers, allow_redirects=False,
                              catch_response=True) as response:
            try:
                answer = response.json() if response.status_code == 200 else None
            except ValueError:
                answer = None
            if answer and answer.get("ok") is True:
                ACKS[kind][json.dumps(key)] = value
                response.success()
            else:
                answer = None
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
        self.pause()
        return answer

    @task
    def record_meeting(self):
        meeting = next(MEETINGS, None)
        if meeting is None:  # every meeting of the plan is taken: idle like a finished minute-taker
            self._sleep(5)
            return
        self.login_as(meeting["session"])
        ident, roll, excused = meeting["ident"], meeting["roll"], set(meeting["excused"])
        base = f"/sinh-hoat/{ident}/"
        self.get(base, "meeting page")
        self.pause()
        page = self.get(base + "ghi/", "recording page")
        found = HEADER_VERSION.search(page.text or "")
        header = {"version": int(found[1]) if found else 0}
        self.pause()

        def field(name, value, was=""):
            """A header field: the version of the last save (or the page's), the value it replaces."""
            answer = self.save(base + "ghi/thong-tin/", "record: header field",
                               {"field": name, "value": value, "version": header["version"], "was": was},
                               "header", (ident, name), value)
            if answer:
                header["version"] = answer["version"]

        def row(path, name, kind, data, value):
            """A new row of the page: a key of its own, version 0 (not saved yet)."""
            key = str(uuid.uuid4())
            self.save(base + path, name, {"key": key, "version": 0, **data}, kind, (ident, key), value)

        def checks():
            """record.js asks for the checks panel once the saves are out and the minute-taker pauses:
            here after each part of the minutes (header, roll, speeches, vote, tasks, closing)."""
            self.get(base + "ghi/kiem-tra/", "record: checks panel")

        attending = [c for c in roll if c not in excused]
        if len(attending) < 2:  # no chair and secretary among those present: not a meeting to record
            return
        chair, secretary = attending[0], attending[1 % len(attending)]
        day = meeting["date"]
        field("start", "19:30")
        field("place", "Nhà văn hóa " + meeting["cell"])
        field("chair", chair)
        field("secretary", secretary)
        field("notice_sent_on", f"01/{day[5:7]}/{day[0:4]}")

        checks()
        late = attending[-1] if len(attending) > 3 else None
        for code in roll:
            if code in excused:
                status, reason = "absent_excused", "Miễn hoặc đi vắng theo danh sách chi bộ"
            else:
                status, reason = ("late" if code == late else "present"), ""
            self.save(base + "ghi/diem-danh/", "record: roll mark",
                      {"member": code, "status": status, "reason": reason, "version": 0},
                      "attendance", (ident, code), [status, reason])

        checks()
        agenda = meeting["agenda"] or [""]
        on_time = [c for c in attending if c != late]  # a speaker must be recorded present
        for n in range(3):
            speaker = on_time[(n + 2) % len(on_time)]
            item = agenda[(n * 5 + 5) % len(agenda)]
            summary = f"Ý kiến {n + 1} của đồng chí {speaker}: đồng ý, đề nghị bổ sung giải pháp."
            row("ghi/phat-bieu/", "record: speech", "speech", {"member": speaker, "item": item, "summary": summary},
                [speaker, item, summary])

        checks()
        votes_for = len(attending) // 2 + 1  # the ballots cannot outnumber the members present
        vote = {"kind": "resolution", "method": "show_of_hands", "subject": f"Thông qua nghị quyết tháng {day[5:7]}",
                "votes_for": votes_for, "votes_against": 0, "votes_abstain": 0, "votes_invalid": 0}
        row("ghi/bieu-quyet/", "record: vote", "vote", vote,
            [vote["kind"], vote["method"], vote["subject"], votes_for, 0, 0, 0])

        checks()
        for n in range(2):
            assignee = on_time[(n + 1) % len(on_time)]
            description = f"Nhiệm vụ {n + 1}: hoàn thành báo cáo của {meeting['cell']}"
            due = f"2{n}/{day[5:7]}/{day[0:4]}"
            row("ghi/nhiem-vu/", "record: task", "task", {"assignee": assignee, "description": description, "due": due},
                [assignee, description, f"{day[0:4]}-{day[5:7]}-2{n}"])

        checks()
        field("conclusion", f"Chi bộ {meeting['cell']} thống nhất các nhiệm vụ trọng tâm tháng tới.")
        field("resolution_text", f"Nghị quyết của chi bộ {meeting['cell']} tháng {day[5:7]}/{day[0:4]}.")
        field("end", "21:00")

        checks()
        self.pause()
        self.get(base + "hoan-tat/", "finalize page")
        self.pause()
        SENT["finalized"] += 1
        with self.client.post(base + "hoan-tat/", name="finalize", data={"confirm": "1"}, headers=self.headers,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(base):
                ACKS["finalized"][json.dumps([ident])] = True
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} -> {response.headers.get('Location')}")
        self.pause()
        self.get(base, "meeting page")
        self.pause()


class CommitteeStaff(ChiboUser):
    weight = 1

    def on_start(self):
        super().on_start()
        me = next(STAFF)
        self.org = me["org"] if me else None
        if me:
            self.login_as(me["session"])

    @task
    def dashboard(self):
        if self.org:
            self.get(f"/to-chuc/{self.org}/bang-theo-doi/", "dashboard")


class Member(ChiboUser):
    weight = 3

    def on_start(self):
        super().on_start()
        me = next(MEMBERS)
        if me:
            self.login_as(me["session"])

    @task
    def my_page(self):
        self.get("/cua-toi/", "member page")


class Ping(ChiboUser):
    """The floor: the same server, a view that does nothing but one SELECT 1."""

    weight = 1

    @task
    def healthz(self):
        self.get("/healthz", "healthz (floor)")
