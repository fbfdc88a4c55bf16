// The dashboard's charts (Chart.js, served from the npm package: no CDN). Each chart is drawn
// from a table of the page marked data-chart="bar|line": the table stays for screen readers
// and printing, the chart is an image of the same figures (aria-hidden; the table is the text).
(function () {
  "use strict";
  function number(text) {
    var n = parseFloat(String(text).replace(/[^0-9.,-]/g, "").replace(",", "."));
    return isNaN(n) ? null : n;
  }
  function draw(table) {
    if (typeof Chart === "undefined") { return; }
    var kind = table.getAttribute("data-chart");
    var labelCol = parseInt(table.getAttribute("data-label-col") || "0", 10);
    var valueCol = parseInt(table.getAttribute("data-value-col") || "1", 10);
    var labels = [], values = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var cells = row.querySelectorAll("td");
      if (cells.length <= valueCol) { return; }
      labels.push(cells[labelCol].textContent.trim());
      values.push(number(cells[valueCol].getAttribute("data-value") || cells[valueCol].textContent));
    });
    if (!labels.length) { return; }
    var box = document.createElement("div");
    box.className = "chart";
    box.setAttribute("aria-hidden", "true");
    var canvas = document.createElement("canvas");
    box.appendChild(canvas);
    table.parentNode.insertBefore(box, table);
    new Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: [{ label: table.getAttribute("data-series") || "", data: values,
                                           borderColor: "#9b1c1c", backgroundColor: "#c0392b" }] },
      options: { animation: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, max: table.getAttribute("data-max") ? number(table.getAttribute("data-max")) : undefined } } }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-chart]").forEach(draw);
  });
})();
