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

  // Node size by a measure, on plain node data (before they are added: no restyling).
  function sizeData(datas, measure) {
    var top = Math.max.apply(null, datas.map(function (d) { return d[measure] || 0; }).concat([0])) || 1;
    datas.forEach(function (d) { d.size = 18 + 32 * (d[measure] || 0) / top; });
  }

  function sizes(cy, measure) {
    cy.batch(function () {
      var datas = cy.nodes().map(function (node) { return node.data(); });
      sizeData(datas, measure);
      cy.nodes().forEach(function (node, index) { node.data("size", datas[index].size); });
    });
  }

  function isDefault(form) {
    return !form.querySelector('input[type="checkbox"]:not(:checked)') && form.elements.min_level.value === "-1";
  }

  function applyFilters(cy, form) {
    if (isDefault(form) && !cy.$(".hidden").length) { return; }  // nothing to hide: spare 10,000 edges
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

  // Zoom and pan that fit the nodes' positions, from the positions alone: cy.fit() measures
  // every node's box and style first (a second on 2,000 structures).
  function viewportFor(cy) {
    var xs = [], ys = [];
    cy.nodes().forEach(function (node) { var p = node.position(); xs.push(p.x); ys.push(p.y); });
    var margin = 40, width = cy.width() - 2 * margin, height = cy.height() - 2 * margin;
    var left = Math.min.apply(null, xs), top = Math.min.apply(null, ys);
    var spanX = Math.max.apply(null, xs) - left || 1, spanY = Math.max.apply(null, ys) - top || 1;
    var zoom = Math.min(width / spanX, height / spanY, 2);
    return { zoom: zoom, pan: {
      x: margin - left * zoom + (width - spanX * zoom) / 2,
      y: margin - top * zoom + (height - spanY * zoom) / 2 } };
  }

  // Placed nodes (saved or computed by the server) are drawn where they are: a "preset"
  // layout would cost over a second on a 2,000-structure territory for the same result.
  function arrange(cy, placed) {
    if (placed) { cy.viewport(viewportFor(cy)); return; }
    cy.layout({ name: "fcose", randomize: true, animate: false, nodeSeparation: 110, idealEdgeLength: 110 }).run();
  }

  function load(box, cy, form) {
    return fetch(box.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var known = {};
        cy.nodes().forEach(function (node) { known[node.id()] = node.position(); });
        cy.elements().remove();
        data.elements.nodes.forEach(function (node) { if (!node.position && known[node.data.id]) { node.position = known[node.data.id]; } });
        sizeData(data.elements.nodes.map(function (node) { return node.data; }), form.elements.size.value);
        cy.add(data.elements);
        var allPlaced = data.preset || cy.nodes().every(function (node) { return known[node.id()]; });
        arrange(cy, allPlaced);
        applyFilters(cy, form);
        box.dataset.ready = "true";
      });
  }

  // Cytoscape adds a <style> element, which the CSP blocks, unless one with this id exists;
  // what it says (the container is position: relative) is in app.css.
  function skipCytoscapeStyleElement() {
    var id = "__________cytoscape_stylesheet";
    if (document.getElementById(id)) { return; }
    var marker = document.createElement("meta");
    marker.id = id;
    document.head.appendChild(marker);
  }

  function init(box) {
    if (box.dataset.started) { return; }
    skipCytoscapeStyleElement();
    box.dataset.started = "true";
    var form = box.parentElement.querySelector("[data-graph-controls]");
    // Big graphs (a territory): labels only once zoomed in, edges hidden while panning.
    var large = box.dataset.large === "true";
    var style = large ? STYLE.concat([
      { selector: "node", style: { "min-zoomed-font-size": 14 } },
      { selector: "edge", style: { "curve-style": "haystack" } }]) : STYLE;
    var cy = window.cytoscape({ container: box, style: style, hideEdgesOnViewport: large,
      textureOnViewport: large, pixelRatio: large ? 1 : "auto" });
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
