/* The recording page's HD 42 scoring (section #s-danh-gia): each entered group is saved when it
 * changes (POST ghi/cham-diem/ with group, value and the record's version). A refused value stays
 * in its box, outlined, with the server's message beside it; after a conflict (409) the box shows
 * what the other phone saved and the message says so. */
(function () {
  "use strict";
  var section = document.getElementById("s-danh-gia");
  var root = document.getElementById("rec");
  if (!section || !root) return;
  var url = section.dataset.urlQuality;

  function show(input, message) {
    var fld = input.closest(".fld");
    var err = fld.querySelector(".err");
    err.textContent = message || "";
    fld.classList.toggle("refused", !!message);
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  // One save at a time, in the order of the changes: each is sent with the version the previous
  // one answered.
  var queue = Promise.resolve();
  function save(input) {
    queue = queue.then(function () { return send(input); });
  }

  function send(input) {
    var body = new URLSearchParams();
    body.set("group", input.dataset.qualityGroup);
    body.set("value", input.value.trim());
    body.set("version", section.dataset.version);
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                headers: {"X-CSRFToken": root.dataset.csrf}})
      .then(function (r) { return r.json().then(function (j) { return {status: r.status, j: j}; }); })
      .then(function (a) {
        if (a.j.ok) {
          section.dataset.version = a.j.version;
          show(input, "");
          return;
        }
        if (a.status === 409 && a.j.current) {
          section.dataset.version = a.j.current.version;
          if (a.j.current.value !== undefined) input.value = a.j.current.value;
        }
        show(input, a.j.error);
      })
      .catch(function () { show(input, "Chưa lưu được (mất kết nối); sửa lại ô này khi có mạng."); });
  }

  section.querySelectorAll("[data-quality-group]").forEach(function (input) {
    input.addEventListener("change", function () { save(input); });
  });
})();
