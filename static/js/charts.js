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

// The Net-Map chart of a map's analysis: each structure's declared influence (0–5) against its
// influence in the network (0–1), one colour per position towards aller-vers. The table beside it
// (templates/analysis/_netmap.html) holds the same values.
(function () {
  "use strict";

  var COLOURS = { moteur: "#1a7f37", favorable: "#1f5fa8", neutre: "#5c6570", reserve: "#b35900", "": "#8a6d00" };
  var SHAPES = { moteur: "triangle", favorable: "circle", neutre: "rect", reserve: "crossRot", "": "rectRot" };
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
  var MUTED = "#4a5666";

  function draw(holder) {
    if (holder.dataset.drawn || !window.Chart) { return; }
    var data = JSON.parse(holder.getAttribute("data-netmap-chart"));
    holder.hidden = false;
    holder.dataset.drawn = "1";
    var datasets = data.positions.map(function (position) {
      var key = position.code || "";
      return {
        label: position.label,
        data: data.points.filter(function (point) { return (point.position || "") === key; }),
        backgroundColor: COLOURS[key] || COLOURS[""],
        borderColor: COLOURS[key] || COLOURS[""],
        pointStyle: SHAPES[key] || "circle",
        pointRadius: 7,
        pointHoverRadius: 9,
        borderWidth: 2,
      };
    }).filter(function (dataset) { return dataset.data.length; });
    new window.Chart(holder.querySelector("canvas"), {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, color: MUTED } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var point = item.raw;
                return point.name + " : influence déclarée " + point.y + ", dans le réseau " + number.format(point.x);
              },
            },
          },
        },
        scales: {
          // A margin around both scales, so that no mark at 0 or at the top is cut in half.
          x: {
            min: -0.05, max: 1.05,
            title: { display: true, text: "Influence dans le réseau (0 à 1)", color: MUTED },
            afterBuildTicks: function (axis) {
              axis.ticks = [0, 0.25, 0.5, 0.75, 1].map(function (value) { return { value: value }; });
            },
            ticks: { color: MUTED, callback: function (value) { return number.format(value); } },
          },
          y: {
            min: -0.4, max: 5.4,
            title: { display: true, text: "Influence déclarée (0 à 5)", color: MUTED },
            afterBuildTicks: function (axis) {
              axis.ticks = [0, 1, 2, 3, 4, 5].map(function (value) { return { value: value }; });
            },
            ticks: { color: MUTED },
          },
        },
      },
    });
    var values = holder.parentNode.querySelector(".chart-values");
    if (values) { values.open = false; }
  }

  function drawAll(root) {
    root.querySelectorAll("[data-netmap-chart]").forEach(draw);
  }
  drawAll(document);
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
