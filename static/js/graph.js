// Aller-vers: the interactive cooperation graph (Cytoscape.js + fcose), driven by
// data-* attributes on #graph so that it works after hx-boost navigation too.
//
// Labels: drawn at a constant size on screen (LABEL_PX), shortened, and only where they
// do not overlap another label (the structures with most links first); the structure under
// the mouse, the keyboard or the selection shows its full name. Keyboard: arrows move
// between structures, Enter opens the card, Space chooses a structure for a link.
(function () {
  "use strict";

  if (window.cytoscape && window.cytoscapeFcose) { window.cytoscape.use(window.cytoscapeFcose); }

  // Same order as SECTOR_COLOURS (analysis/services.py) and the .swatch-N classes.
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#ff7f0e", "#393b79", "#637939"];
  var GREY = "#b0b0b0";
  // Label metrics on screen, whatever the zoom; a graph box's data-label-px scales them (the
  // projection on the wall uses 28). One graph per page: set when it starts.
  var LABEL_PX = 12;         // label size
  var LINE_PX = 14;          // height of one label line
  var SHORT_CHARS = 26;      // a resting label is cut after this many characters
  var WRAP_PX = 150;         // a full label wraps at this width
  var GAP_PX = 3;            // free space kept around each label
  var MAX_FIT_ZOOM = 1.2;    // a one-structure map is not one giant disc
  var FONT = "Helvetica Neue, Helvetica, sans-serif";
  var SIZE_NAMES = { degree: "nombre de liens", betweenness: "rôle de passeur (intermédiarité)",
    influence: "influence déclarée (Net-Map 0 à 5)", eigenvector: "influence dans le réseau (vecteur propre)" };

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(colour)", "label": "data(text)", "font-size": "data(fs)",
      "font-family": FONT, "text-wrap": "wrap", "text-max-width": "data(tw)", "line-height": 1.15,
      "text-valign": "bottom", "text-margin-y": "data(tm)", "min-zoomed-font-size": 0,
      "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1,
      "width": "data(size)", "height": "data(size)", "color": "#1f2d3d" } },
    { selector: "node[?focal]", style: { "border-width": 3, "border-color": "#1f2d3d" } },
    { selector: "edge", style: {
      "width": "mapData(level, -1, 5, 1, 7)", "line-color": "#6b7b8c", "curve-style": "bezier" } },
    { selector: "edge[status = 'souhaite']", style: { "line-style": "dashed", "line-color": "#b8860b", "width": 2 } },
    { selector: "edge[status = 'difficile']", style: { "line-color": "#b3261e", "line-style": "dotted" } },
    { selector: "node.graph-full", style: { "z-index": 20, "text-background-opacity": 1, "font-weight": "bold" } },
    { selector: "node.graph-focus", style: { "border-width": 4, "border-color": "#000000",
      "underlay-color": "#ffbf47", "underlay-padding": 6, "underlay-opacity": 1, "underlay-shape": "ellipse" } },
    { selector: "node.graph-selected", style: { "border-width": 4, "border-color": "#b3261e", "border-style": "double" } },
    { selector: ".hidden", style: { "display": "none" } },
    // A change just made (here or on another screen) glows for a few seconds.
    { selector: "node.graph-new", style: { "underlay-color": "#ffbf47", "underlay-padding": 10,
      "underlay-opacity": 0.9, "underlay-shape": "ellipse" } },
    { selector: "edge.graph-new", style: { "underlay-color": "#ffbf47", "underlay-padding": 6, "underlay-opacity": 0.9 } },
    // The projection's « tour de table »: one contributor's additions stand out, the rest fades.
    { selector: ".graph-dim", style: { "opacity": 0.15 } },
    { selector: "node.graph-tour", style: { "opacity": 1, "border-width": 6, "border-color": "#ffbf47" } },
    { selector: "edge.graph-tour", style: { "opacity": 1, "line-color": "#ffbf47", "width": 8 } }
  ];

  function setLabelSize(px) {
    var scale = px / 12;
    if (scale === LABEL_PX / 12) { return; }
    LABEL_PX = 12 * scale; LINE_PX = 14 * scale; WRAP_PX = 150 * scale;
    MAX_FIT_ZOOM = 1.2 * scale;  // on the wall, the discs grow with the names
    widthCache = {};
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ----- colours and sizes ---------------------------------------------------------------

  function communityColour(community) {
    return community >= 1 ? PALETTE[(community - 1) % PALETTE.length] : GREY;
  }

  // Colour and size on plain node data (before they are added: no restyling).
  function lookData(datas, measure, colouring, lone) {
    var top = Math.max.apply(null, datas.map(function (d) { return d[measure] || 0; }).concat([0])) || 1;
    datas.forEach(function (d) {
      d.size = 18 + 32 * (d[measure] || 0) / top;
      if (!d.sectorColour) { d.sectorColour = d.colour; }
      if (colouring !== "community") { d.colour = d.sectorColour; } else { d.colour = lone[d.community] ? GREY : communityColour(d.community); }
    });
  }

  // Communities of one structure are not groups: they are drawn grey.
  function loneCommunities(datas) {
    var counts = {}, lone = {};
    datas.forEach(function (d) { counts[d.community] = (counts[d.community] || 0) + 1; });
    Object.keys(counts).forEach(function (key) { lone[key] = counts[key] < 2 || key === "undefined"; });
    return lone;
  }

  function restyle(cy, form) {
    cy.batch(function () {
      var datas = cy.nodes().map(function (node) { return node.data(); });
      lookData(datas, form.elements.size.value, form.elements.colour.value, loneCommunities(datas));
      cy.nodes().forEach(function (node, index) {
        node.data({ size: datas[index].size, colour: datas[index].colour });
      });
    });
  }

  // ----- the legend follows the colour and size chosen -----------------------------------

  function legend(box, cy, form) {
    var panel = box.parentElement.querySelector("[data-graph-legend]");
    if (!panel) { return; }
    var list = panel.querySelector("[data-graph-legend-colours]");
    var colouring = form.elements.colour.value;
    var datas = cy.nodes().map(function (node) { return node.data(); });
    list.querySelectorAll("[data-community]").forEach(function (item) { item.remove(); });
    list.querySelectorAll("[data-sector]").forEach(function (item) {
      var present = datas.some(function (d) { return d.sector === item.dataset.sector; });
      item.hidden = colouring !== "sector" || !present;
    });
    if (colouring === "community") {
      var lone = loneCommunities(datas), counts = {};
      datas.forEach(function (d) { if (!lone[d.community]) { counts[d.community] = (counts[d.community] || 0) + 1; } });
      var numbers = Object.keys(counts).map(Number).sort(function (a, b) { return a - b; });
      var names = {};
      datas.forEach(function (d) { if (d.communityLabel) { names[d.community] = d.communityLabel; } });
      numbers.forEach(function (number) {
        var name = "Groupe " + number + (names[number] ? " — " + names[number] : "");
        list.appendChild(legendItem("swatch-" + ((number - 1) % PALETTE.length),
          name + " (" + counts[number] + " structures)", number));
      });
      if (datas.some(function (d) { return lone[d.community]; })) {
        list.appendChild(legendItem("swatch-none", "Sans groupe (structure seule)", 0));
      }
    }
    var size = panel.querySelector("[data-graph-legend-size]");
    if (size) { size.textContent = "Taille : " + SIZE_NAMES[form.elements.size.value]; }
  }

  function legendItem(swatch, text, number) {
    var item = document.createElement("li"), dot = document.createElement("span");
    item.dataset.community = String(number);
    dot.className = "graph-dot " + swatch;
    dot.setAttribute("aria-hidden", "true");
    item.appendChild(dot);
    item.appendChild(document.createTextNode(text));
    return item;
  }

  // ----- labels that never overlap --------------------------------------------------------

  var measureContext = null;
  var widthCache = {};

  function textWidth(text, bold) {
    var key = (bold ? "b" : "n") + text;
    if (widthCache[key] === undefined) {
      if (!measureContext) { measureContext = document.createElement("canvas").getContext("2d"); }
      measureContext.font = (bold ? "bold " : "") + LABEL_PX + "px " + FONT;
      widthCache[key] = measureContext.measureText(text).width;
    }
    return widthCache[key];
  }

  function shortName(name) {
    if (name.length <= SHORT_CHARS) { return name; }
    var cut = name.slice(0, SHORT_CHARS);
    var space = cut.lastIndexOf(" ");
    return (space > SHORT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:'’-]+$/, "") + "…";
  }

  // The name in lines no wider than WRAP_PX (on screen), broken between words.
  function wrapName(name, bold) {
    var lines = [], line = "";
    name.split(/\s+/).forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (line && textWidth(candidate, bold) > WRAP_PX) { lines.push(line); line = word; } else { line = candidate; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function intersects(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  // Rendered box of a label of `lines` under a node at rendered position p, radius r.
  function labelBox(p, r, lines, bold) {
    var width = Math.max.apply(null, lines.map(function (line) { return textWidth(line, bold); }));
    var top = p.y + r;
    return { x1: p.x - width / 2 - GAP_PX - 4, x2: p.x + width / 2 + GAP_PX + 4,
      y1: top - GAP_PX, y2: top + lines.length * LINE_PX + 6 + GAP_PX };
  }

  // Greedy placement: the full names first (focus, selection, hover), then the structures
  // with most links; a label is shown only if its box is free. A grid of 100 px cells keeps
  // it linear on a 2,000-structure territory; only structures on screen get a label.
  function placeLabels(state) {
    var cy = state.cy, zoom = cy.zoom(), width = cy.width(), height = cy.height();
    var grid = {}, cell = 100, changes = [];
    var nodes = cy.nodes().filter(function (node) { return !node.hasClass("hidden"); });
    var candidates = [];
    nodes.forEach(function (node) {
      var p = node.renderedPosition();
      if (p.x < -WRAP_PX || p.y < -WRAP_PX || p.x > width + WRAP_PX || p.y > height + 40) { return; }
      var full = node.hasClass("graph-full");
      candidates.push({ node: node, p: p, full: full,
        rank: (full ? 1e9 : 0) + node.degree(false) * 1000 + (node.data("size") || 0) });
    });
    candidates.sort(function (a, b) { return b.rank - a.rank; });
    var wanted = {};
    candidates.forEach(function (c) {
      var name = c.node.data("label") || "";
      var lines = c.full ? wrapName(name, true) : [shortName(name)];
      var box = labelBox(c.p, (c.node.data("size") || 18) * zoom / 2, lines, c.full);
      if (!c.full && (box.x1 < 0 || box.x2 > width || box.y1 < 0 || box.y2 > height)) { return; }  // cut by the edge
      var keys = [];
      for (var gx = Math.floor(box.x1 / cell); gx <= Math.floor(box.x2 / cell); gx++) {
        for (var gy = Math.floor(box.y1 / cell); gy <= Math.floor(box.y2 / cell); gy++) { keys.push(gx + ":" + gy); }
      }
      var free = keys.every(function (key) {
        return !(grid[key] || []).some(function (other) { return intersects(box, other); });
      });
      if (!free) { return; }
      keys.forEach(function (key) { (grid[key] = grid[key] || []).push(box); });
      wanted[c.node.id()] = lines.join("\n");
    });
    var fs = LABEL_PX / zoom, tw = (WRAP_PX + 20) / zoom, tm = 2 / zoom;
    cy.batch(function () {
      nodes.forEach(function (node) {
        var text = wanted[node.id()] || "";
        var data = node.data();
        if (data.text !== text || (text && data.fs !== fs)) { changes.push(node); node.data({ text: text, fs: fs, tw: tw, tm: tm }); }
      });
    });
    dropClashes(cy, candidates.filter(function (c) { return wanted[c.node.id()]; }));
    return changes.length;
  }

  var LABEL_ONLY = { includeLabels: true, includeNodes: false, includeEdges: false,
    includeOverlays: false, includeUnderlays: false };

  // The estimate above is close, not exact (fonts, padding): Cytoscape's own label boxes have
  // the last word, in the same order, so that no two labels it draws ever touch.
  function dropClashes(cy, placed) {
    var kept = [], dropped = [];
    placed.forEach(function (c) {
      var box = c.node.renderedBoundingBox(LABEL_ONLY);
      if (kept.some(function (other) { return intersects(box, other); })) { dropped.push(c.node); } else { kept.push(box); }
    });
    if (dropped.length) { cy.batch(function () { dropped.forEach(function (node) { node.data("text", ""); }); }); }
  }

  function scheduleLabels(state, delay) {
    clearTimeout(state.labelTimer);
    state.labelTimer = setTimeout(function () { placeLabels(state); }, delay);
  }

  // ----- filters ---------------------------------------------------------------------------

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
      headers: { "X-CSRFToken": csrfToken(), "X-Screen": window.allerversLive ? window.allerversLive.screen : "" } });
  }

  // ----- view ------------------------------------------------------------------------------

  // Zoom and pan that fit the nodes' positions, from the positions alone: cy.fit() measures
  // every node's box and style first (a second on 2,000 structures). Room is left below for
  // the labels; the zoom is capped so that one or two structures stay small.
  function viewportFor(cy) {
    var xs = [], ys = [];
    cy.nodes().forEach(function (node) { var p = node.position(); xs.push(p.x); ys.push(p.y); });
    if (!xs.length) { return { zoom: 1, pan: { x: cy.width() / 2, y: cy.height() / 2 } }; }
    var margin = 50, width = Math.max(cy.width() - 2 * margin, 20), height = Math.max(cy.height() - 2 * margin - 20, 20);
    var left = Math.min.apply(null, xs), top = Math.min.apply(null, ys);
    var spanX = Math.max.apply(null, xs) - left || 1, spanY = Math.max.apply(null, ys) - top || 1;
    var zoom = Math.min(width / spanX, height / spanY, MAX_FIT_ZOOM);
    return { zoom: zoom, pan: {
      x: margin - left * zoom + (width - spanX * zoom) / 2,
      y: margin - top * zoom + (height - spanY * zoom) / 2 } };
  }

  function refit(state) {
    var cy = state.cy;
    cy.resize();
    if (cy.nodes().length) { cy.viewport(viewportFor(cy)); }
    placeLabels(state);
  }

  // Placed nodes (saved or computed by the server) are drawn where they are: a "preset"
  // layout would cost over a second on a 2,000-structure territory for the same result.
  function arrange(cy, placed) {
    if (!placed) {
      cy.layout({ name: "fcose", randomize: true, animate: false, fit: false,
        nodeSeparation: 110, idealEdgeLength: 110 }).run();
    }
    cy.viewport(viewportFor(cy));
  }

  // The first load draws the graph; later ones (after a change here or on another screen)
  // apply the difference: new structures and links appear near their partners and glow,
  // removed ones fade out, moved ones glide, the rest stays where the person left it.
  function load(state) {
    var box = state.box, cy = state.cy, form = state.form;
    return fetch(box.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var datas = data.elements.nodes.map(function (node) { return node.data; });
        datas.forEach(function (d) { Object.assign(d, { text: "", fs: LABEL_PX, tw: WRAP_PX, tm: 2 }); });
        hideDeclaredInfluence(form, datas);
        lookData(datas, form.elements.size.value, form.elements.colour.value, loneCommunities(datas));
        if (!cy.elements().length) { firstDraw(state, data); } else { applyChanges(state, data); }
        applyFilters(cy, form);
        if (state.focused && cy.$id(state.focused).length) { cy.$id(state.focused).addClass("graph-focus graph-full"); } else { state.focused = null; }
        if (state.selected && cy.$id(state.selected).length) { cy.$id(state.selected).addClass("graph-selected graph-full"); } else { state.selected = null; }
        // Named before the first frame, once: a territory's 10,000 links take a while to draw.
        placeLabels(state);
        clearTimeout(state.labelTimer);
        legend(box, cy, form);
        box.dataset.ready = "true";
        box.dispatchEvent(new CustomEvent("graph:loaded", { bubbles: true }));
      });
  }

  function firstDraw(state, data) {
    state.cy.add(data.elements);
    arrange(state.cy, data.preset);
  }

  var GLOW_MS = 4000, FADE_MS = 500;
  var TIDY_MAX = 150;  // beyond this many structures a new layout costs more than it brings

  function applyChanges(state, data) {
    var cy = state.cy, wanted = {}, added = [];
    data.elements.nodes.concat(data.elements.edges).forEach(function (el) { wanted[el.data.id] = el; });
    var gone = cy.elements().filter(function (el) { return !wanted[el.id()]; });
    gone.removeClass("graph-new").animate({ style: { opacity: 0 } }, { duration: FADE_MS,
      complete: function () { gone.remove(); placeLabels(state); } });
    cy.batch(function () {
      data.elements.nodes.forEach(function (node) {
        var existing = cy.$id(node.data.id);
        if (existing.length) { updateNode(existing, node); return; }
        node.position = node.position || nearPartners(cy, node.data.id, data.elements.edges);
        added.push(cy.add(node));
      });
      data.elements.edges.forEach(function (edge) {
        var existing = cy.$id(edge.data.id);
        if (existing.length) { existing.data(edge.data); } else { added.push(cy.add(edge)); }
      });
    });
    if (!added.length) { return; }
    var fresh = cy.collection(added);
    fresh.addClass("graph-new").style("opacity", 0).animate({ style: { opacity: 1 } }, { duration: FADE_MS });
    setTimeout(function () { fresh.removeClass("graph-new"); }, GLOW_MS);
    var arranged = data.elements.nodes.some(function (node) { return node.position; });
    if (fresh.nodes().length && !arranged && cy.nodes().length <= TIDY_MAX) {
      // Nobody arranged this map by hand: tidy it, starting from where everything is.
      var layout = cy.layout({ name: "fcose", randomize: false, animate: true, animationDuration: FADE_MS,
        fit: false, nodeSeparation: 110, idealEdgeLength: 110 });
      layout.one("layoutstop", function () { revealFresh(state, fresh); });
      layout.run();
    } else {
      revealFresh(state, fresh);
    }
  }

  function revealFresh(state, fresh) {
    var cy = state.cy;
    if (fresh.nodes().some(function (node) { return !onScreen(cy, node); })) { cy.viewport(viewportFor(cy)); }
    placeLabels(state);
  }

  function updateNode(existing, node) {
    var keep = existing.data();
    existing.data(Object.assign({}, node.data, { text: keep.text, fs: keep.fs, tw: keep.tw, tm: keep.tm }));
    var to = node.position, at = existing.position();
    if (to && !existing.grabbed() && (Math.abs(to.x - at.x) > 1 || Math.abs(to.y - at.y) > 1)) {
      existing.animate({ position: to }, { duration: FADE_MS });
    }
  }

  // A new structure without a saved position: beside the partners already drawn, else by the
  // others, so that nobody's arrangement is shuffled by someone else's addition.
  function nearPartners(cy, id, edges) {
    var points = [];
    edges.forEach(function (edge) {
      var other = edge.data.source === id ? edge.data.target : edge.data.target === id ? edge.data.source : null;
      var node = other && cy.$id(other);
      if (node && node.length) { points.push(node.position()); }
    });
    if (!points.length) { points = cy.nodes().map(function (node) { return node.position(); }); }
    var x = 0, y = 0;
    points.forEach(function (p) { x += p.x; y += p.y; });
    var angle = Math.random() * 2 * Math.PI, distance = 90;
    return { x: x / points.length + distance * Math.cos(angle), y: y / points.length + distance * Math.sin(angle) };
  }

  function onScreen(cy, node) {
    var p = node.renderedPosition();
    return p.x >= 0 && p.y >= 0 && p.x <= cy.width() && p.y <= cy.height();
  }

  // Declared influence is an answer of the map's author: only maps have it.
  function hideDeclaredInfluence(form, datas) {
    var option = form.querySelector('#graph-size option[value="influence"]');
    if (!option) { return; }
    var any = datas.some(function (d) { return d.influence !== undefined; });
    option.hidden = option.disabled = !any;
    if (!any && form.elements.size.value === "influence") { form.elements.size.value = "degree"; }
  }

  // ----- keyboard, focus and pair selection ------------------------------------------------

  function plural(count, one, many) { return count + " " + (count < 2 ? one : many); }

  function announce(state, text) {
    var status = state.box.parentElement.querySelector("[data-graph-status]");
    if (status) { status.textContent = text; }
  }

  function describe(node) {
    return node.data("label") + ", " + plural(node.degree(false), "lien", "liens");
  }

  function refreshFull(state) {
    var cy = state.cy;
    cy.batch(function () {
      cy.nodes(".graph-full").forEach(function (node) {
        var id = node.id();
        if (id !== state.focused && id !== state.selected && id !== state.hovered) { node.removeClass("graph-full"); }
      });
      [state.focused, state.selected, state.hovered].forEach(function (id) { if (id) { cy.$id(id).addClass("graph-full"); } });
    });
    placeLabels(state);
  }

  function setFocus(state, node) {
    var cy = state.cy;
    cy.nodes(".graph-focus").removeClass("graph-focus");
    state.focused = node ? node.id() : null;
    if (node) {
      node.addClass("graph-focus");
      keepInView(cy, node);
      announce(state, describe(node) + (state.selected === node.id() ? ", choisie pour un lien" : ""));
    }
    refreshFull(state);
  }

  function keepInView(cy, node) {
    var p = node.renderedPosition(), margin = 60, pan = cy.pan(), dx = 0, dy = 0;
    if (p.x < margin) { dx = margin - p.x; } else if (p.x > cy.width() - margin) { dx = cy.width() - margin - p.x; }
    if (p.y < margin) { dy = margin - p.y; } else if (p.y > cy.height() - margin) { dy = cy.height() - margin - p.y; }
    if (dx || dy) { cy.pan({ x: pan.x + dx, y: pan.y + dy }); }
  }

  var DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

  // The nearest visible structure in a direction: within 60° either side, closer along it first.
  function neighbourIn(cy, from, direction) {
    var origin = from.position(), best = null, bestScore = Infinity;
    cy.nodes().forEach(function (node) {
      if (node === from || node.hasClass("hidden")) { return; }
      var p = node.position(), dx = p.x - origin.x, dy = p.y - origin.y;
      var along = dx * direction[0] + dy * direction[1];
      var across = Math.abs(dx * direction[1] - dy * direction[0]);
      if (along <= 0 || across > along * 1.8) { return; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = node; }
    });
    return best;
  }

  function firstNode(cy) {
    var visible = cy.nodes().not(".hidden");
    var focal = visible.filter("[?focal]");
    if (focal.length) { return focal[0]; }
    return visible.max(function (node) { return node.degree(false); }).ele;
  }

  function openCard(state, node) {
    var url = state.box.dataset.card.replace(/\/0(\?|$)/, "/" + node.id() + "$1");
    window.htmx.ajax("GET", url, { target: "#node-card-slot", swap: "innerHTML" });
  }

  function clearSelection(state) {
    if (state.selected) { state.cy.$id(state.selected).removeClass("graph-selected"); }
    state.selected = null;
    refreshFull(state);
  }

  // Contract §3: a structure, then another → the link form, prefilled, in #link-form.
  function choose(state, node) {
    var linkForm = state.box.dataset.linkForm;
    if (!linkForm) { return false; }
    var cy = state.cy;
    if (state.selected === node.id()) {
      clearSelection(state);
      announce(state, node.data("label") + " n'est plus choisie.");
      return true;
    }
    if (!state.selected) {
      state.selected = node.id();
      node.addClass("graph-selected");
      refreshFull(state);
      announce(state, node.data("label") + " choisie : choisissez une deuxième structure pour les relier.");
      return true;
    }
    var first = cy.$id(state.selected);
    var query = new URLSearchParams({ source_id: first.id(), target_id: node.id() });
    var target = document.getElementById("link-form");
    if (target) {
      window.htmx.ajax("GET", linkForm + (linkForm.indexOf("?") < 0 ? "?" : "&") + query.toString(),
        { target: "#link-form", swap: "outerHTML" });
    }
    announce(state, "Lien entre " + first.data("label") + " et " + node.data("label") + " : le formulaire du lien est ouvert.");
    clearSelection(state);
    return true;
  }

  function onKey(state, event) {
    var cy = state.cy;
    if (!cy.nodes().length) { return; }
    var current = state.focused ? cy.$id(state.focused) : null;
    if (DIRECTIONS[event.key]) {
      event.preventDefault();
      var next = current ? neighbourIn(cy, current, DIRECTIONS[event.key]) : firstNode(cy);
      if (next) { setFocus(state, next); } else if (current) { announce(state, describe(current) + " (aucune structure plus loin de ce côté)"); }
    } else if (event.key === "Enter" && current) {
      event.preventDefault();
      openCard(state, current);
    } else if ((event.key === " " || event.key === "l" || event.key === "L") && current) {
      if (choose(state, current)) { event.preventDefault(); }
    } else if (event.key === "Escape") {
      if (state.selected) { clearSelection(state); announce(state, "Choix annulé."); event.preventDefault(); }
    }
  }

  // ----- setup -------------------------------------------------------------------------------

  // Cytoscape adds a <style> element, which the CSP blocks, unless one with this id exists;
  // what it says (the container is position: relative) is in graph.css.
  function skipCytoscapeStyleElement() {
    var id = "__________cytoscape_stylesheet";
    if (document.getElementById(id)) { return; }
    var marker = document.createElement("meta");
    marker.id = id;
    document.head.appendChild(marker);
  }

  function printImage(state) {
    var image = document.createElement("img");
    image.className = "graph-print-image";
    image.alt = "Graphe de coopération";
    image.src = state.cy.png({ full: false, scale: 2, bg: "#ffffff" });
    state.box.parentElement.insertBefore(image, state.box);
    window.addEventListener("afterprint", function () { image.remove(); }, { once: true });
  }

  function watchSize(state) {
    var last = state.box.clientWidth + "x" + state.box.clientHeight;  // drawn at this size
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var size = state.box.clientWidth + "x" + state.box.clientHeight;
        if (size === last) { return; }
        last = size;
        clearTimeout(state.resizeTimer);
        state.resizeTimer = setTimeout(function () { refit(state); }, 60);
      }).observe(state.box);
    }
    document.addEventListener("fullscreenchange", function () {
      setTimeout(function () { if (document.body.contains(state.box)) { refit(state); } }, 60);
    });
  }

  function bindPointer(state) {
    var cy = state.cy, box = state.box;
    cy.on("tap", "node", function (event) {
      var node = event.target;
      cy.nodes(".graph-focus").removeClass("graph-focus");
      state.focused = node.id();
      node.addClass("graph-focus");
      openCard(state, node);
      if (!choose(state, node)) { refreshFull(state); }
    });
    cy.on("tap", function (event) { if (event.target === cy && state.selected) { clearSelection(state); } });
    cy.on("mouseover", "node", function (event) { state.hovered = event.target.id(); refreshFull(state); });
    cy.on("mouseout", "node", function () { state.hovered = null; refreshFull(state); });
    cy.on("viewport", function () { scheduleLabels(state, box.dataset.large === "true" ? 150 : 40); });
    cy.on("dragfree", "node", function () { savePositions(box, cy); placeLabels(state); });
  }

  function bindControls(state) {
    var cy = state.cy, form = state.form, box = state.box;
    form.addEventListener("change", function (event) {
      if (event.target.name === "size" || event.target.name === "colour") { restyle(cy, form); legend(box, cy, form); }
      applyFilters(cy, form);
      placeLabels(state);
    });
    form.querySelector("[data-graph-fullscreen]").addEventListener("click", function () {
      if (box.requestFullscreen) { box.requestFullscreen(); }
    });
    var fit = form.querySelector("[data-graph-fit]");
    if (fit) { fit.addEventListener("click", function () { refit(state); }); }
    form.querySelector("[data-graph-png]").addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
      link.download = "carte.png";
      link.click();
    });
  }

  function init(box) {
    if (box.dataset.started) { return; }
    skipCytoscapeStyleElement();
    box.dataset.started = "true";
    setLabelSize(parseFloat(box.dataset.labelPx) || 12);
    var form = box.parentElement.querySelector("[data-graph-controls]");
    // Big graphs (a territory): edges hidden while panning, haystack edges.
    var large = box.dataset.large === "true";
    var style = large ? STYLE.concat([{ selector: "edge", style: { "curve-style": "haystack" } }]) : STYLE;
    // Cytoscape styles its container from script: a container without an id, or htmx would
    // copy that style attribute onto the #graph of the next page or fragment it swaps in
    // (settling attributes by id), which the CSP reports as an inline style.
    var canvas = document.createElement("div");
    canvas.className = "graph-canvas";
    box.appendChild(canvas);
    var cy = window.cytoscape({ container: canvas, style: style, hideEdgesOnViewport: large,
      textureOnViewport: large, pixelRatio: large ? 1 : "auto", minZoom: 0.02, maxZoom: 4 });
    var state = { box: box, cy: cy, form: form, focused: null, selected: null, hovered: null };
    box.cy = cy;  // for tests and the console
    box.graphLabels = function () { return placeLabels(state); };
    load(state);
    bindControls(state);
    bindPointer(state);
    watchSize(state);
    box.addEventListener("keydown", function (event) { onKey(state, event); });
    box.addEventListener("focus", function () {  // from the keyboard only: a click says where
      if (!state.focused && cy.nodes().length && box.matches(":focus-visible")) { setFocus(state, firstNode(cy)); }
    });
    window.addEventListener("beforeprint", function () { if (document.body.contains(box)) { printImage(state); } });
    ["mapChanged", "liveMapChanged"].forEach(function (name) {  // here, or on another screen
      document.body.addEventListener(name, function () { if (document.body.contains(box)) { load(state); } });
    });
  }

  function scan(root) {
    if (!window.cytoscape) { return; }
    (root.querySelectorAll ? root : document).querySelectorAll("#graph[data-source]").forEach(init);
  }

  if (window.htmx) { window.htmx.onLoad(scan); }
  scan(document);
})();
