// Projection mode (templates/maps/projection.html): live figures and « Dernières
// contributions » from live.js's `live:changed` event, the « tour de table » (graph-tour /
// graph-dim classes on graph.js's Cytoscape instance), keyboard shortcuts, full screen.
(function () {
  "use strict";

  var root = document.querySelector("[data-projection]");
  if (!root) { return; }
  var LATEST = 8;
  var box = document.getElementById("graph");
  var tour = { people: [], index: -1 };

  function $(selector) { return root.querySelector(selector); }
  function word(count, one, many) { return count < 2 ? one : many; }

  // ----- live figures and latest contributions ---------------------------------------------

  function showCounts(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      var number = $('[data-proj-count="' + key + '"]');
      var label = $('[data-proj-word="' + key + '"]');
      if (number) { number.textContent = counts[key]; }
      if (label) { label.textContent = word(counts[key], label.dataset.one, label.dataset.many); }
    });
  }

  function lastShown(list) {
    var first = list.querySelector("li[data-version]");
    return first ? parseInt(first.dataset.version, 10) : 0;
  }

  function showEvents(events) {
    var list = $("[data-proj-events]");
    var known = lastShown(list);
    (events || []).forEach(function (event) {  // oldest first: each new one goes on top
      if (event.version <= known) { return; }
      var item = document.createElement("li");
      item.dataset.version = event.version;
      item.className = "proj-new";
      var who = document.createElement("strong");
      who.textContent = event.who;
      item.appendChild(who);
      item.appendChild(document.createTextNode(" " + event.text));
      list.insertBefore(item, list.firstChild);
      known = event.version;
    });
    while (list.children.length > LATEST) { list.removeChild(list.lastElementChild); }
    $("[data-proj-events-empty]").hidden = list.children.length > 0;
  }

  document.body.addEventListener("live:changed", function (event) {
    var feed = event.detail || {};
    showCounts(feed.counts);
    showEvents(feed.events);
    $("[data-proj-locked]").hidden = !feed.locked;
    loadTour();
  });

  // ----- pause / live ----------------------------------------------------------------------

  function live() { return window.allerversLive; }

  function showState() {
    var state = $("[data-proj-state]");
    var paused = Boolean(live() && live().paused);
    state.textContent = live() ? (paused ? "En pause" : "En direct") : "Mises à jour indisponibles";
    state.classList.toggle("proj-paused", paused);
    $("[data-proj-pause]").textContent = paused ? "Reprendre le direct" : "Pause";
  }

  function togglePause() {
    if (!live()) { return; }
    if (live().paused) { live().resume(); } else { live().pause(); }
    showState();
  }

  document.body.addEventListener("live:paused", showState);
  document.body.addEventListener("live:resumed", showState);

  // ----- « tour de table » -----------------------------------------------------------------

  function cy() { return box && box.dataset.ready === "true" ? box.cy : null; }

  function paint() {
    var graph = cy();
    if (!graph) { return; }
    var person = tour.people[tour.index];
    graph.batch(function () {
      graph.elements().removeClass("graph-tour graph-dim");
      if (!person) { return; }
      var mine = graph.collection();
      person.structures.forEach(function (id) { mine = mine.union(graph.$id(String(id))); });
      person.links.forEach(function (pair) {
        var a = String(pair[0]), b = String(pair[1]);
        mine = mine.union(graph.edges().filter(function (edge) {
          var s = edge.data("source"), t = edge.data("target");
          return (s === a && t === b) || (s === b && t === a);
        }));
      });
      mine.addClass("graph-tour");
      graph.elements().difference(mine).addClass("graph-dim");
    });
  }

  function showTour() {
    var person = tour.people[tour.index];
    var caption = $("[data-proj-caption]");
    if (person) {
      caption.textContent = person.caption;
    } else if (tour.people.length) {
      caption.textContent = tour.people.length + " " + word(tour.people.length, "contributeur", "contributeurs") +
        " : « Contributeur suivant » (T) met en valeur les ajouts de chacun.";
    } else {
      caption.textContent = "Personne n'a encore contribué.";
    }
    var list = $("[data-proj-tour-list]");
    list.textContent = "";
    tour.people.forEach(function (item, index) {
      var entry = document.createElement("li");
      entry.textContent = item.name + " — " + item.summary;
      if (index === tour.index) { entry.setAttribute("aria-current", "true"); }
      list.appendChild(entry);
    });
    paint();
  }

  function loadTour() {
    return fetch(root.dataset.tour, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var current = tour.people[tour.index];
        tour.people = data.contributors;
        if (current) {  // the same person stays highlighted when the map changes
          tour.index = tour.people.findIndex(function (item) { return item.id === current.id; });
        }
        showTour();
      })
      .catch(function () { /* the next change of the map tries again */ });
  }

  function step(by) {
    if (!tour.people.length) { return; }
    var next = tour.index + by;
    if (tour.index < 0 && by < 0) { next = tour.people.length - 1; }
    tour.index = next >= tour.people.length || next < 0 ? -1 : next;
    showTour();
  }

  function endTour() { tour.index = -1; showTour(); }

  // ----- graph: fit, zoom --------------------------------------------------------------------

  function fit() {
    var button = box && box.parentElement.querySelector("[data-graph-fit]");
    if (button) { button.click(); }
  }

  function zoom(factor) {
    var graph = cy();
    if (!graph) { return; }
    graph.zoom({ level: graph.zoom() * factor,
      renderedPosition: { x: graph.width() / 2, y: graph.height() / 2 } });
  }

  function fullScreen() {
    var page = document.documentElement;
    if (document.fullscreenElement) { document.exitFullscreen(); } else if (page.requestFullscreen) { page.requestFullscreen(); }
  }

  // ----- keyboard ----------------------------------------------------------------------------

  function inField(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || inField(event.target)) { return; }
    var inGraph = box && box.contains(event.target);
    var onControl = event.target.closest && event.target.closest("button, a, summary");
    var key = event.key;
    var actions = {
      f: fit, F: fit, "+": function () { zoom(1.25); }, "=": function () { zoom(1.25); },
      "-": function () { zoom(0.8); }, p: togglePause, P: togglePause,
      t: function () { step(1); }, T: function () { step(1); }
    };
    if (!inGraph) {  // the graph's own keys: arrows walk its structures, Escape, Space
      actions.ArrowRight = function () { step(1); };
      actions.ArrowLeft = function () { step(-1); };
      actions.Escape = endTour;
      if (!onControl) { actions[" "] = togglePause; }
    }
    if (!actions[key]) { return; }
    event.preventDefault();
    actions[key]();
  });

  // ----- start -------------------------------------------------------------------------------

  function bind(selector, handler) {
    var button = $(selector);
    button.addEventListener("click", handler);
    return button;
  }

  bind("[data-proj-pause]", togglePause).hidden = !live();
  bind("[data-proj-fullscreen]", fullScreen).hidden = !document.documentElement.requestFullscreen;
  bind("[data-proj-next]", function () { step(1); });
  bind("[data-proj-prev]", function () { step(-1); });
  bind("[data-proj-end]", endTour);
  $("[data-proj-tour-buttons]").hidden = false;
  showState();
  loadTour();
  // graph.js reloads the graph after each change (liveMapChanged): the highlight follows.
  var waited = 0;
  (function whenGraph() {
    if (box && box.cy) {
      var timer = null;
      box.cy.on("add", function () { clearTimeout(timer); timer = setTimeout(paint, 0); });
      return;
    }
    if (waited++ < 100) { setTimeout(whenGraph, 100); }
  })();
})();
