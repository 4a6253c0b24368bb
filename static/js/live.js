// Aller-vers: a map drawn by several people at once. The page's [data-live-feed] element
// names the map's live feed and the version the page shows; every second (every 5 s while
// the tab is hidden) the feed is asked « changed since? » with If-None-Match, which costs
// the server one read and a 304 while nothing changed (README, « Atelier en direct »).
//
// A change made elsewhere (another person, or the same person on another device):
// - `live:changed` on <body>, with the feed's answer (the projection listens to it);
// - the key figures come with the feed; `liveMapChanged` on <body>: the graph and the
//   lists reload themselves;
// - `liveEntriesChanged` when structures came or went: the structures list reloads and
//   the link form's choices are updated in place, so nothing being typed is lost;
// - the line [data-live-line] says who did what.
// The page's own changes (marked `here` by the feed, from the X-Screen header) are shown
// already: they are not announced or reloaded again.
(function () {
  "use strict";

  var FAST_MS = 1000, HIDDEN_MS = 5000, RETRY_MS = 5000;
  var live = { timer: null, paused: false, inFlight: false };
  var SCREEN = Math.random().toString(36).slice(2, 12);

  function feedElement() { return document.querySelector("[data-live-feed]"); }

  function schedule(delay) {
    clearTimeout(live.timer);
    live.timer = setTimeout(poll, delay);
  }

  function nextDelay(element) {
    if (document.hidden) { return HIDDEN_MS; }
    return parseInt(element.dataset.liveInterval, 10) || FAST_MS;
  }

  function poll() {
    var element = feedElement();
    live.timer = null;
    if (!element || live.paused || live.inFlight) { return; }
    var version = element.dataset.liveVersion;
    var url = element.dataset.liveFeed + (element.dataset.liveFeed.indexOf("?") < 0 ? "?" : "&") + "depuis=" + version;
    live.inFlight = true;
    var headers = { "If-None-Match": '"v' + version + '"', "X-Screen": SCREEN };
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers, redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect") { throw new Error("session"); }  // signed out
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (feed) {
        live.inFlight = false;
        offline(element, false);
        if (feed && feedElement() === element) { apply(element, feed); }
        if (!live.paused) { schedule(nextDelay(element)); }
      })
      .catch(function (error) {
        live.inFlight = false;
        if (error && error.message === "session") { signedOut(element); return; }
        offline(element, true);
        if (!live.paused) { schedule(RETRY_MS); }
      });
  }

  function apply(element, feed) {
    if (Number(feed.version) <= Number(element.dataset.liveVersion)) { return; }
    element.dataset.liveVersion = feed.version;
    var body = document.body;
    feed.events = feed.events.filter(function (event) { return !event.here; });
    if (!feed.events.length && !feed.gap) { return; }  // only this screen's own changes
    body.dispatchEvent(new CustomEvent("live:changed", { detail: feed }));
    showFigures(feed.figures);
    body.dispatchEvent(new CustomEvent("liveMapChanged", { detail: { live: true } }));
    var structures = feed.events.some(function (event) { return event.kind !== "link"; });
    if (structures || feed.gap) {
      body.dispatchEvent(new CustomEvent("liveEntriesChanged"));
      refreshLinkChoices();
    }
    var last = feed.events[feed.events.length - 1];
    if (last) { tell(element, last); }
  }

  // The strip of key figures, from the feed itself: one request less per screen and change.
  function showFigures(figures) {
    var strip = document.querySelector("[data-figures]");
    if (!strip || !figures) { return; }
    Object.keys(figures).forEach(function (name) {
      var value = strip.querySelector('[data-figure="' + name + '"]');
      if (!value) { return; }
      value.textContent = figures[name];
      var term = value.parentElement.querySelector("dt[data-one]");
      if (term) { term.textContent = figures[name] < 2 ? term.dataset.one : term.dataset.many; }
    });
  }

  function tell(element, event) {
    var line = element.querySelector("[data-live-line]") || document.querySelector("[data-live-line]");
    if (!line) { return; }
    var who = event.mine ? "Vous (sur un autre écran)" : event.who;
    line.textContent = who + " " + event.text + " (" + clock(event.at) + ")";
    line.hidden = false;
  }

  function clock(iso) {
    var date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  }

  // The session ended (idle, or signed out elsewhere): no more polling; the next action on the
  // page leads to the sign-in page (app.js), and back.
  function signedOut(element) {
    live.paused = true;
    var note = document.querySelector("[data-live-offline]");
    if (note) {
      note.textContent = "Votre session a pris fin : les modifications des autres ne s'affichent plus. Rechargez la page pour vous reconnecter.";
      note.hidden = false;
    }
    element.classList.add("live-lost");
  }

  function offline(element, lost) {
    var note = document.querySelector("[data-live-offline]");
    if (note) { note.hidden = !lost; }
    element.classList.toggle("live-lost", lost);
  }

  // The link form being filled in keeps its values; only the structures offered change.
  function refreshLinkChoices() {
    var slot = document.getElementById("link-form-slot");
    if (!slot || !slot.getAttribute("hx-get")) { return; }
    fetch(slot.getAttribute("hx-get"), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["source_id", "target_id"].forEach(function (name) { replaceChoices(fresh, name); });
      });
  }

  function replaceChoices(fresh, name) {
    var incoming = fresh.querySelector('#link-form select[name="' + name + '"]');
    var select = document.querySelector('#link-form select[name="' + name + '"]');
    if (!incoming || !select) { return; }
    var value = select.value;
    select.replaceChildren.apply(select, Array.from(incoming.options).map(function (option) {
      return document.importNode(option, true);
    }));
    select.value = value;
    var input = document.querySelector('input[data-ws-pair="' + select.id + '"]');
    if (!input || !input.wsListbox) { return; }
    var listbox = input.wsListbox;
    listbox.replaceChildren.apply(listbox, Array.from(select.options).filter(function (option) {
      return option.value;
    }).map(function (option) {
      var item = document.createElement("li");
      item.id = listbox.id + "-" + option.value;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.value = option.value;
      item.textContent = option.textContent;
      return item;
    }));
    if (!select.value && document.activeElement !== input) { input.value = ""; }
  }

  // Every request of this page says which screen it comes from: the feed then marks the
  // changes this very screen made (`here`), which it already shows.
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-Screen"] = SCREEN;
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !live.paused && feedElement()) { schedule(0); }
  });

  function start() {
    if (feedElement() && !live.paused && !live.timer && !live.inFlight) { schedule(FAST_MS); }
  }

  window.allerversLive = {
    pause: function () {
      live.paused = true;
      clearTimeout(live.timer);
      live.timer = null;
      document.body.dispatchEvent(new CustomEvent("live:paused"));
    },
    resume: function () {
      live.paused = false;
      document.body.dispatchEvent(new CustomEvent("live:resumed"));
      schedule(0);
    },
    screen: SCREEN,
    get paused() { return live.paused; }
  };

  if (window.htmx) { window.htmx.onLoad(start); }
  start();
})();
