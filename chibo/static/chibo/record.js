/* Chibo: live recording of a meeting's minutes.
 *
 * Every change is saved as it is made. A change becomes an operation {key, url, data} that
 * carries the whole row it touches (a field, one member's attendance, one speech, vote or task
 * addressed by its position), so sending it twice is harmless. Operations wait in a queue kept
 * in localStorage: closing the page or losing the network loses nothing already typed; the
 * queue is sent in order, one request at a time, and retried until the server answers.
 * A later change to the same row replaces the waiting one.
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
              vote: root.dataset.urlVote, task: root.dataset.urlTask};
  var next = {speech: +root.dataset.nextSpeech, vote: +root.dataset.nextVote, task: +root.dataset.nextTask};

  var queue = load();
  var busy = false, timer = null, failing = false, delay = 1000, problem = "";

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
    var cls, text;
    if (!queue.length && !busy) { cls = "saved"; text = "Đã lưu"; }
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
        if (r.ok && j && j.ok) { clearError(op.key); applyVerdict(j); }
        else { showError(op.key, (j && j.error) || messageFor(r.status)); }
        showState();
        if (queue.length) schedule(0);
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
  // A phone that slept (or a page restored from the back-forward cache) refreshes the checks.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || queue.length || busy || !navigator.onLine) return;
    fetch(root.dataset.urlStatus, {credentials: "same-origin", redirect: "manual",
                                   headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && j.ok) applyVerdict(j); })
      .catch(function () { /* offline again: the next save refreshes */ });
  });
  window.addEventListener("offline", showState);

  // --- server answers -------------------------------------------------------------------------
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
      return {key: "field:" + el.dataset.field, url: urls.field, data: {field: el.dataset.field, value: el.value}};
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
            data: {member: row.dataset.member, status: status,
                   reason: status === "absent_excused" ? row.querySelector(".reason").value : ""}};
  }
  function rowOp(row) {
    var kind = row.dataset.kind, pos = row.dataset.position, data = {position: pos};
    if (kind === "speech") {
      data.member = val(row, "member"); data.item = val(row, "item"); data.summary = val(row, "summary");
      if (!data.member) { showError(kind + ":" + pos, "Chọn người phát biểu để lưu ý kiến này."); return null; }
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
  function changed(el, typing) {
    if (finalized) return;
    var op = opFor(el);
    if (op) enqueue(op, typing ? 700 : 0);
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
      enqueue({key: r.dataset.kind + ":" + r.dataset.position, url: urls[r.dataset.kind],
               data: {position: r.dataset.position, delete: "1"}}, 0);
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
  function addRow(kind, group, position) {
    var pos = position === undefined ? next[kind]++ : position;
    if (pos >= next[kind]) next[kind] = pos + 1;
    var card = document.getElementById("tpl-" + kind).content.firstElementChild.cloneNode(true);
    card.dataset.position = String(pos);
    card.dataset.key = kind + ":" + pos;
    card.querySelectorAll("[id]").forEach(function (n) { n.id = n.id + pos; });
    card.querySelectorAll("label[for]").forEach(function (n) { n.htmlFor = n.htmlFor + pos; });
    if (kind === "speech") {
      if (group && !group.dataset.other) {
        var item = card.querySelector('[name="item"]');
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "item"; hidden.value = group.dataset.item;
        item.replaceWith(hidden);
      }
      (group || root.querySelector('.group[data-other]')).querySelector(".rows").appendChild(card);
    } else {
      document.getElementById(kind === "vote" ? "votes" : "tasks").appendChild(card);
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
        card = addRow(kind, group, +d.position);
      }
      Object.keys(d).forEach(function (name) {
        var input = card.querySelector('[name="' + name + '"]');
        if (input && name !== "position") input.value = d[name];
      });
      var inv = card.querySelector(".invalid-count");
      if (inv) inv.hidden = d.method !== "secret_ballot";
    }
  }
  queue.forEach(restore);
  if (finalized) { queue = []; store(); }
  showState();
  schedule(0);
})();
