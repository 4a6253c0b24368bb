// Aller-vers: the effect charts of an initiative, drawn with Chart.js (static/vendor/chartjs).
// Each [data-effect-chart] holds its series as JSON; the table beside it stays the reference
// (no JS, print, screen readers). Chart.js sizes its canvas through the CSSOM, which the strict
// CSP allows; it injects no stylesheet.
(function () {
  "use strict";

  var day = new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric" });
  var month = new Intl.DateTimeFormat("fr-FR", { month: "short", year: "numeric" });
  var number = new Intl.NumberFormat("fr-FR");
  var INK = "#1f5fa8";
  var MUTED = "#4a5666";

  function draw(holder) {
    if (holder.dataset.drawn || !window.Chart) { return; }
    var data = JSON.parse(holder.getAttribute("data-effect-chart"));
    var dates = data.points.map(function (point) { return Date.parse(point.x); });
    var span = dates.length ? dates[dates.length - 1] - dates[0] : 0;
    var longRange = span > 1000 * 60 * 60 * 24 * 120;
    holder.hidden = false;
    holder.dataset.drawn = "1";
    new window.Chart(holder.querySelector("canvas"), {
      type: "line",
      data: {
        datasets: [{
          label: data.label,
          data: data.points,
          borderColor: INK,
          backgroundColor: INK,
          pointRadius: 4,
          tension: 0,
        }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return day.format(items[0].parsed.x); },
              label: function (item) {
                return number.format(item.parsed.y) + (data.unit ? " " + data.unit : "");
              },
            },
          },
        },
        scales: {
          x: {
            type: "time",
            time: { unit: longRange ? "month" : "day", tooltipFormat: "dd/MM/yyyy" },
            offset: dates.length < 2,
            title: { display: true, text: "Date d'observation", color: MUTED },
            ticks: {
              color: MUTED,
              maxTicksLimit: 6,
              callback: function (value) { return (longRange ? month : day).format(value); },
            },
          },
          y: {
            beginAtZero: true,
            title: { display: true, text: data.unit || "Valeur", color: MUTED },
            ticks: { color: MUTED, precision: 0, callback: function (value) { return number.format(value); } },
          },
        },
      },
    });
    // The chart is drawn: its table folds away (still one click, and printed open).
    var values = holder.parentNode.querySelector(".chart-values");
    if (values) { values.open = false; }
  }

  if (window.Chart) { window.Chart.defaults.font.size = 13; }

  function drawAll(root) {
    root.querySelectorAll("[data-effect-chart]").forEach(draw);
  }
  drawAll(document);
  // On paper the values print beside the chart.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".chart-values").forEach(function (values) { values.open = true; });
  });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
