// Aller-vers: the interactive cooperation graph (Cytoscape.js + fcose), driven by
// data-* attributes on #graph so that it works after hx-boost navigation too.
(function () {
  "use strict";

  if (window.cytoscape && window.cytoscapeFcose) { window.cytoscape.use(window.cytoscapeFcose); }

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(colour)", "label": "data(label)", "font-size": 10,
      "text-wrap": "wrap", "text-max-width": 110, "text-valign": "bottom", "text-margin-y": 3,
      "width": "data(size)", "height": "data(size)", "color": "#1f2d3d" } },
    { selector: "node[?focal]", style: { "border-width": 3, "border-color": "#1f2d3d" } },
    { selector: "edge", style: {
      "width": "mapData(level, -1, 5, 1, 7)", "line-color": "#6b7b8c", "curve-style": "bezier" } },
    { selector: "edge[status = 'souhaite']", style: { "line-style": "dashed", "line-color": "#b8860b", "width": 2 } },
    { selector: "edge[status = 'difficile']", style: { "line-color": "#b3261e", "line-style": "dotted" } },
    { selector: ".hidden", style: { "display": "none" } }
  ];

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function sizes(cy, measure) {
    var values = cy.nodes().map(function (node) { return node.data(measure) || 0; });
    var top = Math.max.apply(null, values.concat([0])) || 1;
    cy.nodes().forEach(function (node) { node.data("size", 18 + 32 * (node.data(measure) || 0) / top); });
  }

  function applyFilters(cy, form) {
    var sectors = Array.from(form.querySelectorAll('input[name="sector"]:checked')).map(function (i) { return i.value; });
    var statuses = Array.from(form.querySelectorAll('input[name="status"]:checked')).map(function (i) { return i.value; });
    var minLevel = parseInt(form.elements.min_level.value, 10);
    cy.batch(function () {
      cy.nodes().forEach(function (node) { node.toggleClass("hidden", sectors.indexOf(node.data("sector")) < 0); });
      cy.edges().forEach(function (edge) {
        var level = edge.data("level");
        var shown = statuses.indexOf(edge.data("status")) >= 0 && (level < 0 || level >= minLevel);
        edge.toggleClass("hidden", !shown);
      });
    });
  }

  function savePositions(box, cy) {
    if (!box.dataset.positions) { return; }
    var positions = {};
    cy.nodes().forEach(function (node) { var p = node.position(); positions[node.id()] = [p.x, p.y]; });
    var body = new URLSearchParams({ positions: JSON.stringify(positions), csrf_token: csrfToken() });
    fetch(box.dataset.positions, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() } });
  }

  function layout(cy, preset) {
    return cy.layout(preset ? { name: "preset" } : { name: "fcose", randomize: true, animate: false, nodeSeparation: 110, idealEdgeLength: 110 });
  }

  function load(box, cy, form) {
    return fetch(box.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var known = {};
        cy.nodes().forEach(function (node) { known[node.id()] = node.position(); });
        cy.elements().remove();
        data.elements.nodes.forEach(function (node) { if (!node.position && known[node.data.id]) { node.position = known[node.data.id]; } });
        cy.add(data.elements);
        sizes(cy, form.elements.size.value);
        var allPlaced = data.preset || cy.nodes().every(function (node) { return known[node.id()]; });
        layout(cy, allPlaced).run();
        applyFilters(cy, form);
        box.dataset.ready = "true";
      });
  }

  function init(box) {
    if (box.dataset.started) { return; }
    box.dataset.started = "true";
    var form = box.parentElement.querySelector("[data-graph-controls]");
    var cy = window.cytoscape({ container: box, style: STYLE });
    box.cy = cy;  // for tests and the console
    load(box, cy, form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "size") { sizes(cy, event.target.value); }
      applyFilters(cy, form);
    });
    form.querySelector("[data-graph-fullscreen]").addEventListener("click", function () {
      if (box.requestFullscreen) { box.requestFullscreen(); }
    });
    form.querySelector("[data-graph-png]").addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
      link.download = "carte.png";
      link.click();
    });
    cy.on("tap", "node", function (event) {
      var url = box.dataset.card.replace(/\/0(\?|$)/, "/" + event.target.id() + "$1");
      window.htmx.ajax("GET", url, { target: "#node-card-slot", swap: "innerHTML" });
    });
    cy.on("dragfree", "node", function () { savePositions(box, cy); });
    document.body.addEventListener("mapChanged", function () { if (document.body.contains(box)) { load(box, cy, form); } });
  }

  function scan(root) {
    if (!window.cytoscape) { return; }
    (root.querySelectorAll ? root : document).querySelectorAll("#graph[data-source]").forEach(init);
  }

  if (window.htmx) { window.htmx.onLoad(scan); }
  scan(document);
})();
