// Aller-vers: the slideshow of a presentation and its speaker view (no inline script: strict CSP).
// Both pages carry every slide; this script shows one at a time and keeps the two windows in
// step through a BroadcastChannel: no request leaves the browser once the page is loaded.
(function () {
  "use strict";

  var root = document.querySelector("[data-slideshow]");
  if (!root) { return; }

  var mode = root.getAttribute("data-slideshow");  // "show" (projected) or "speaker"
  var slides = Array.prototype.slice.call(root.querySelectorAll(".slide"));
  var counters = document.querySelectorAll("[data-slides-counter]");
  var spokenTitle = document.querySelector("[data-slides-title]");
  var nextTitle = document.querySelector("[data-speaker-next]");
  var linkStatus = document.querySelector("[data-speaker-link]");
  var fullscreenButton = document.querySelector("[data-slides-fullscreen]");
  var channel = window.BroadcastChannel ? new BroadcastChannel(root.getAttribute("data-channel")) : null;
  var current = 0;

  document.documentElement.classList.add("slides-js");
  document.querySelectorAll("[data-slides-go], [data-slides-fullscreen], .slides-keys, [data-speaker-clock]")
    .forEach(function (element) { element.hidden = false; });
  if (fullscreenButton && !document.documentElement.requestFullscreen) { fullscreenButton.hidden = true; }

  // A slide is one screen: when its content overflows, step its type down (and, from level 2,
  // flow the main text in two columns) until it fits. Classes only: the CSP allows no inline style.
  var FIT_LEVELS = 8;
  function overflows(slide) {
    if (slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1) {
      return true;
    }
    var box = slide.getBoundingClientRect();
    var bottom = box.bottom - parseFloat(window.getComputedStyle(slide).paddingBottom);
    var parts = slide.querySelectorAll(".slide-header, .slide-main, .slide-effects, .slide-agenda, .slide-cover-meta");
    return Array.prototype.some.call(parts, function (part) {
      var rect = part.getBoundingClientRect();
      return rect.bottom > bottom + 1 || rect.right > box.right + 1;
    });
  }
  function fit(slide) {
    for (var level = 0; level <= FIT_LEVELS; level += 1) {
      for (var i = 1; i <= FIT_LEVELS; i += 1) { slide.classList.toggle("fit-" + i, i === level); }
      slide.classList.toggle("fit-cols", level >= 2);
      if (!overflows(slide)) { return; }
    }
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { fit(slides[current]); }, 100);
  });

  function clamp(index) {
    return Math.max(0, Math.min(slides.length - 1, index));
  }

  // `tell` is false when the move came from the other window: answering would echo forever.
  function go(index, tell) {
    current = clamp(index);
    slides.forEach(function (slide, i) { slide.hidden = i !== current; });
    if (mode === "show") { fit(slides[current]); }
    var text = (current + 1) + " / " + slides.length;
    counters.forEach(function (counter) { counter.textContent = text; });
    if (spokenTitle) { spokenTitle.textContent = " : " + slides[current].getAttribute("data-title"); }
    if (nextTitle) {
      var next = slides[current + 1];
      nextTitle.textContent = next ? next.getAttribute("data-title") : "Fin de la présentation";
    }
    // The address keeps the slide, so that a reload (or a second window) comes back to it.
    history.replaceState(null, "", "#diapo-" + (current + 1));
    if (tell !== false && channel) { channel.postMessage({ type: "goto", index: current, from: mode }); }
  }

  function fromAddress() {
    var match = /^#diapo-(\d+)$/.exec(window.location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }

  function leave() {
    var exit = function () { window.location.href = root.getAttribute("data-exit"); };
    if (document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen().then(exit, exit);
    } else {
      exit();
    }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay as is */ });
    }
  }

  document.addEventListener("fullscreenchange", function () {
    if (!fullscreenButton) { return; }
    fullscreenButton.textContent = document.fullscreenElement ? "Quitter le plein écran" : "Plein écran";
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    var onControl = event.target.closest && event.target.closest("a, button, input, select, textarea");
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
      case "PageDown":
        go(current + 1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
      case "PageUp":
        go(current - 1);
        break;
      case " ":
        if (onControl) { return; }  // Space presses the focused button
        go(current + (event.shiftKey ? -1 : 1));
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(slides.length - 1);
        break;
      case "Escape":
        leave();
        break;
      case "f":
      case "F":
        if (mode !== "show") { return; }
        toggleFullscreen();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-slides-go], [data-slides-fullscreen]");
    if (!button) { return; }
    if (button.hasAttribute("data-slides-fullscreen")) {
      toggleFullscreen();
    } else {
      go(current + (button.getAttribute("data-slides-go") === "next" ? 1 : -1));
    }
  });

  // A swipe on a tablet.
  var touchStart = null;
  root.addEventListener("touchstart", function (event) {
    touchStart = event.changedTouches[0].clientX;
  }, { passive: true });
  root.addEventListener("touchend", function (event) {
    if (touchStart === null) { return; }
    var distance = event.changedTouches[0].clientX - touchStart;
    touchStart = null;
    if (Math.abs(distance) > 60) { go(current + (distance < 0 ? 1 : -1)); }
  }, { passive: true });

  // The buttons fade out on the projector while the mouse rests; the counter stays.
  if (mode === "show") {
    var idleTimer = null;
    var wake = function () {
      document.body.classList.remove("is-idle");
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(function () { document.body.classList.add("is-idle"); }, 3000);
    };
    document.addEventListener("mousemove", wake);
    wake();
  }

  if (channel) {
    channel.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.type === "goto" && typeof message.index === "number") {
        go(message.index, false);
        if (message.from === "show" && linkStatus) {
          linkStatus.textContent = "Diaporama ouvert : cette vue le suit et le pilote.";
        }
      } else if (message.type === "hello" && mode === "show") {
        channel.postMessage({ type: "goto", index: current, from: mode });
      }
    });
  }

  // The speaker's clock starts with the view; it can be set back to zero before starting.
  var elapsed = document.querySelector("[data-speaker-elapsed]");
  if (elapsed) {
    var started = Date.now();
    var tick = function () {
      var seconds = Math.floor((Date.now() - started) / 1000);
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      elapsed.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
    };
    window.setInterval(tick, 1000);
    document.querySelector("[data-speaker-reset]").addEventListener("click", function () {
      started = Date.now();
      tick();
    });
  }

  go(fromAddress(), mode === "show");
  // A speaker view opened after the slideshow asks where it is.
  if (channel && mode === "speaker") { channel.postMessage({ type: "hello" }); }
})();
