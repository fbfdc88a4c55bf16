/* Chibo: live recording of a meeting's minutes.
 *
 * Every change is saved as it is made. A change becomes an operation {key, url, data} that
 * carries the whole row it touches (a field, one member's attendance, one speech, vote or task
 * addressed by its client key: a UUID made here when the row is added, so two phones adding rows
 * at once each keep theirs), so sending it twice is harmless. Each operation also carries the
 * version of the record it was based on (and, for a header field, the value it started from):
 * when someone else has changed that value meanwhile the server refuses it (409) and says what
 * the value is now; the message stays next to the field and the status line does not say
 * "Đã lưu" while a change stands refused. Operations wait in a queue kept in localStorage:
 * closing the page or losing the network loses nothing already typed; the queue is sent in
 * order, one request at a time, and retried until the server answers. A later change to the same
 * row replaces the waiting one. The endpoints' contract: chibo/meetings/recording/views.py.
 */
(function () {
  "use strict";
  var root = document.getElementById("rec");
  if (!root) return;
  var finalized = root.dataset.finalized === "1";
  var KEY = "chibo-record:" + root.dataset.ident;
  var csrf = root.dataset.csrf;
  var stateEl = document.getElementById("save-state");
  var barEl = document.getElementById("bar-counts");
  var panelEl = document.getElementById("panel");
  var urls = {field: root.dataset.urlField, att: root.dataset.urlAtt, speech: root.dataset.urlSpeech,
              vote: root.dataset.urlVote, task: root.dataset.urlTask, guest: root.dataset.urlGuest};

  var queue = load();
  var busy = false, timer = null, failing = false, delay = 1000, problem = "";
  var refused = {};  // operation key -> the server's message, while that change stands refused
  var serial = 0;

  // A version 4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not).
  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try {
      var q = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) { return []; }
  }
  function store() {
    try {
      localStorage.setItem(KEY, JSON.stringify(queue.map(function (o) {
        return {key: o.key, url: o.url, data: o.data};
      })));
    } catch (e) { /* storage full or disabled: the queue still lives in memory */ }
  }

  // --- status line ------------------------------------------------------------------------
  function showState() {
    var cls, text, n = Object.keys(refused).length;
    if (!queue.length && !busy && n) {
      cls = "refused"; text = "Không lưu được " + n + " thay đổi: xem thông báo bên cạnh";
    } else if (!queue.length && !busy) { cls = "saved"; text = "Đã lưu"; }
    else if (failing || !navigator.onLine) {
      cls = "pending"; text = "Chưa lưu, sẽ thử lại (" + queue.length + ")" + (problem ? " · " + problem : "");
    } else { cls = "saving"; text = "Đang lưu…"; }
    stateEl.className = "state " + cls;
    stateEl.textContent = text;
  }

  // --- the queue --------------------------------------------------------------------------
  function enqueue(op, wait) {
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].key === op.key && !queue[i].sending) { queue[i] = op; break; }
    }
    if (i === queue.length) queue.push(op);
    store();
    showState();
    schedule(wait || 0);
  }
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }
  function flush() {
    if (busy || !queue.length) { showState(); return; }
    busy = true;
    var op = queue[0];
    op.sending = true;
    showState();
    var body = new URLSearchParams(op.data);
    body.set("panel", "0");  // the checks are asked for once the queue is empty (refreshChecks)
    fetch(op.url, {method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                   headers: {"X-CSRFToken": token(), "Accept": "application/json"}})
      .then(function (r) {
        if (r.type === "opaqueredirect" || r.status === 0) throw new Error("Phiên đăng nhập đã hết, hãy đăng nhập lại");
        if (r.status >= 500 || r.status === 429) throw new Error("Máy chủ đang bận");
        // 403: rights withdrawn, or a stale CSRF token after logging in again elsewhere. Keep the
        // change (losing it is worse) and say so; the next try reads the fresh token cookie.
        if (r.status === 403) throw new Error("Phiên đăng nhập hoặc quyền ghi đã thay đổi, hãy đăng nhập lại");
        return r.json().catch(function () { return null; }).then(function (j) { return [r, j]; });
      })
      .then(function (res) {
        var r = res[0], j = res[1];
        queue.shift();
        store();
        busy = false; failing = false; problem = ""; delay = 1000;
        if (r.ok && j && j.ok) { delete refused[op.key]; clearError(op.key); saved(op, j); checksDue = true; panelEl.setAttribute("aria-busy", "true"); }
        else {
          if (j && j.current) outdated(op, j.current);
          refused[op.key] = (j && j.error) || messageFor(r.status);
          showError(op.key, refused[op.key]);
        }
        store();
        showState();
        if (queue.length) schedule(0);
        else if (checksDue) refreshChecks(CHECKS_PAUSE);
      })
      .catch(function (err) {
        op.sending = false;
        busy = false; failing = true;
        problem = err && err.message && err.message.indexOf("Phiên") === 0 ? err.message : "";
        showState();
        schedule(delay);
        delay = Math.min(delay * 2, 15000);
      });
  }
  function token() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : csrf;
  }
  function messageFor(status) {
    if (status === 404) return "Không tìm thấy cuộc họp.";
    if (status === 409) return "Biên bản đã hoàn tất, không thể sửa.";
    return "Không lưu được thay đổi này.";
  }
  window.addEventListener("online", function () { delay = 1000; schedule(0); });
  // The checks panel and the votes' verdicts: asked for once the saves have gone out and the
  // minute-taker has paused (CHECKS_PAUSE ms without a new save), not after every tap.
  var CHECKS_PAUSE = 700, checksDue = false, checksTimer = null;
  function refreshChecks(ms) {
    clearTimeout(checksTimer);
    checksTimer = setTimeout(function () {
      if (queue.length || busy || !navigator.onLine) return;  // the next save asks again
      checksDue = false;
      fetch(root.dataset.urlStatus, {credentials: "same-origin", redirect: "manual",
                                     headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (j && j.ok) { applyVerdict(j); if (!checksDue) panelEl.removeAttribute("aria-busy"); }
        })
        .catch(function () { checksDue = true; /* offline again: the next save refreshes */ });
    }, ms);
  }
  // A phone that slept (or a page restored from the back-forward cache) refreshes the checks.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") return;
    refreshChecks(0);
  });
  window.addEventListener("offline", showState);

  // --- server answers -------------------------------------------------------------------------
  // After a save: the record's new version (and a row's position), also for the changes to the
  // same record still waiting (they were made on top of this one).
  function saved(op, j) {
    var kind = op.key.split(":")[0];
    if (op.data["delete"] || j.version === undefined) return;
    if (kind === "field") {
      var el = root.querySelector('[data-field="' + op.data.field + '"]');
      if (el) el.dataset.was = op.data.value;
      root.dataset.version = j.version;
      queue.forEach(function (o) {
        if (o.key.indexOf("field:") !== 0 || o.sending) return;
        if (o.key === op.key) o.data.was = op.data.value;
        if (String(o.data.version) === String(op.data.version)) o.data.version = j.version;
      });
      return;
    }
    var b = box(op.key);
    if (b) {
      b.dataset.version = j.version;
      if (j.position !== undefined) b.dataset.position = j.position;
    }
    queue.forEach(function (o) {
      if (o.key === op.key && !o.sending && !o.data["delete"]) o.data.version = j.version;
    });
  }
  // Refused because someone else changed it: the next change made here is made knowingly.
  function outdated(op, current) {
    if (op.key.indexOf("field:") === 0) {
      var el = root.querySelector('[data-field="' + op.data.field + '"]');
      if (el && current.value !== undefined) el.dataset.was = current.value;
      root.dataset.version = current.version;
    } else {
      var b = box(op.key);
      if (b) b.dataset.version = current.version;
    }
  }
  function applyVerdict(j) {
    if (j.panel) {
      panelEl.innerHTML = j.panel;
      var counts = panelEl.querySelector("[data-bar]");
      if (counts) barEl.textContent = counts.getAttribute("data-bar");
    }
    if (j.votes) {
      root.querySelectorAll(".vote[data-position]").forEach(function (row) {
        var v = j.votes[row.dataset.position];
        row.querySelector(".verdict").innerHTML = v || "";
      });
    }
  }
  function box(key) { return root.querySelector('[data-key="' + key + '"]'); }
  function showError(key, text) {
    var b = box(key), err = b && b.querySelector(".err");
    if (err) err.textContent = text;
    if (b) b.classList.add("has-error");
  }
  function clearError(key) {
    var b = box(key), err = b && b.querySelector(".err");
    if (err) err.textContent = "";
    if (b) b.classList.remove("has-error");
  }

  // --- reading the page into operations -------------------------------------------------------
  function val(row, name) {
    var el = row.querySelector('[name="' + name + '"]');
    return el ? el.value.trim() : "";
  }
  function opFor(el) {
    if (el.dataset.field) {
      return {key: "field:" + el.dataset.field, url: urls.field,
              data: {field: el.dataset.field, value: el.value, version: root.dataset.version, was: el.dataset.was}};
    }
    var row = el.closest(".roll-row");
    if (row) return attOp(row);
    row = el.closest(".row-card");
    return row ? rowOp(row) : null;
  }
  function attOp(row) {
    var status = row.dataset.status;
    if (!status) return null;
    return {key: "att:" + row.dataset.member, url: urls.att,
            data: {member: row.dataset.member, status: status, version: row.dataset.version,
                   reason: status === "absent_excused" ? row.querySelector(".reason").value : ""}};
  }
  function rowOp(row) {
    var kind = row.dataset.kind, pos = row.dataset.row, data = {key: pos, version: row.dataset.version};
    if (kind === "speech") {
      data.member = val(row, "member"); data.item = val(row, "item"); data.summary = val(row, "summary");
      if (!data.member) { showError(kind + ":" + pos, "Chọn người phát biểu để lưu ý kiến này."); return null; }
    } else if (kind === "guest") {
      data.name = val(row, "name"); data.title = val(row, "title"); data.organization = val(row, "organization");
      if (!data.name) { showError(kind + ":" + pos, "Ghi họ tên khách mời để lưu."); return null; }
    } else if (kind === "vote") {
      ["kind", "method", "subject", "votes_for", "votes_against", "votes_abstain", "votes_invalid"].forEach(
        function (n) { data[n] = val(row, n); });
      if (data.method !== "secret_ballot") data.votes_invalid = "";
    } else {
      data.assignee = val(row, "assignee"); data.description = val(row, "description"); data.due = val(row, "due");
      if (!data.description) { showError(kind + ":" + pos, "Ghi nội dung nhiệm vụ để lưu."); return null; }
    }
    clearError(kind + ":" + pos);
    return {key: kind + ":" + pos, url: urls[kind], data: data};
  }

  // --- events ---------------------------------------------------------------------------------
  // What was last queued for each record, so that leaving a field (its change event after the
  // input events) sends nothing new: a value refused stays refused until it is changed again.
  var lastQueued = {};
  function signature(data) {
    var copy = {};
    Object.keys(data).forEach(function (k) { if (k !== "version" && k !== "was") copy[k] = data[k]; });
    return JSON.stringify(copy);
  }
  function changed(el, typing) {
    if (finalized) return;
    var op = opFor(el);
    if (!op) return;
    var sig = signature(op.data);
    if (lastQueued[op.key] === sig) return;
    lastQueued[op.key] = sig;
    enqueue(op, typing ? 700 : 0);
  }
  root.addEventListener("input", function (e) {
    var el = e.target;
    if (el.dataset.on === "change" || el.tagName === "SELECT") return;
    changed(el, true);
  });
  root.addEventListener("change", function (e) {
    var el = e.target;
    if (el.name === "method") {
      var row = el.closest(".vote");
      row.querySelector(".invalid-count").hidden = el.value !== "secret_ballot";
    }
    changed(el, false);
  });
  root.addEventListener("click", function (e) {
    var el = e.target.closest("button");
    if (!el || finalized) return;
    if (el.classList.contains("tap")) {
      var row = el.closest(".roll-row");
      setStatus(row, el.dataset.status);
      var op = attOp(row);
      if (op) enqueue(op, 0);
      if (el.dataset.status === "absent_excused") row.querySelector(".reason").focus();
    } else if (el.dataset.add) {
      var card = addRow(el.dataset.add, el.closest(".group"));
      var first = card.querySelector("select, input:not([type=hidden]), textarea");
      if (el.dataset.add === "vote") enqueue(rowOp(card), 0);
      if (first) first.focus();
    } else if (el.classList.contains("del")) {
      var r = el.closest(".row-card");
      if (!window.confirm("Xóa mục này?")) return;
      var dkey = r.dataset.kind + ":" + r.dataset.row;
      delete refused[dkey];
      enqueue({key: dkey, url: urls[r.dataset.kind], data: {key: r.dataset.row, delete: "1"}}, 0);
      r.remove();
    }
  });
  function setStatus(row, status) {
    row.dataset.status = status;
    row.querySelectorAll(".tap").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.status === status ? "true" : "false");
    });
    row.querySelector(".reason").hidden = status !== "absent_excused";
  }
  function addRow(kind, group, rowKey) {
    var key = rowKey || uuid4(), id = "n" + (++serial);
    var card = document.getElementById("tpl-" + kind).content.firstElementChild.cloneNode(true);
    card.dataset.row = key;
    card.dataset.key = kind + ":" + key;
    card.dataset.version = "0";
    card.querySelectorAll("[id]").forEach(function (n) { n.id = n.id + id; });
    card.querySelectorAll("label[for]").forEach(function (n) { n.htmlFor = n.htmlFor + id; });
    if (kind === "speech") {
      if (group && !group.dataset.other) {
        var item = card.querySelector('[name="item"]');
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "item"; hidden.value = group.dataset.item;
        item.replaceWith(hidden);
      }
      (group || root.querySelector('.group[data-other]')).querySelector(".rows").appendChild(card);
    } else {
      document.getElementById(kind === "vote" ? "votes" : kind === "guest" ? "guests" : "tasks").appendChild(card);
    }
    return card;
  }

  // Finalize only once everything is saved.
  var finalizeForm = document.getElementById("finalize-form");
  if (finalizeForm) {
    finalizeForm.addEventListener("submit", function (e) {
      if (!queue.length && !busy) return;
      e.preventDefault();
      stateEl.textContent = "Còn thay đổi chưa lưu: đang gửi trước khi hoàn tất…";
      schedule(0);
      var wait = setInterval(function () {
        if (!queue.length && !busy) { clearInterval(wait); finalizeForm.submit(); }
      }, 300);
    });
  }

  // --- after a reload: show what is still waiting in the queue, then send it ------------------
  function restore(op) {
    var parts = op.key.split(":"), kind = parts[0], d = op.data;
    if (kind === "field") {
      var el = root.querySelector('[data-field="' + d.field + '"]');
      if (el) el.value = d.value;
    } else if (kind === "att") {
      var row = box(op.key);
      if (row) { setStatus(row, d.status); row.querySelector(".reason").value = d.reason || ""; }
    } else {
      var card = box(op.key);
      if (d["delete"]) { if (card) card.remove(); return; }
      if (!card) {
        var group = null;
        if (kind === "speech") {
          root.querySelectorAll(".group").forEach(function (g) {
            if (!g.dataset.other && g.dataset.item === d.item) group = g;
          });
        }
        card = addRow(kind, group, d.key);
      }
      Object.keys(d).forEach(function (name) {
        var input = card.querySelector('[name="' + name + '"]');
        if (input) input.value = d[name];
      });
      var inv = card.querySelector(".invalid-count");
      if (inv) inv.hidden = d.method !== "secret_ballot";
    }
  }
  // The value each header field started from (sent with its changes), before the queue's are shown.
  root.querySelectorAll("[data-field]").forEach(function (el) { el.dataset.was = el.value; });
  queue.forEach(restore);
  if (finalized) { queue = []; store(); }
  showState();
  schedule(0);
})();
