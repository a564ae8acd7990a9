// Pins on a screen, progressively enhanced: without this file the screen is a form image input whose click
// submits its coordinates to the new-pin page, and every action is a plain form POST.
(function () {
  "use strict";

  var stage = document.querySelector("[data-pin-stage]");
  if (!stage) return;
  document.documentElement.classList.add("js-pins");

  var image = stage.querySelector(".screen-image");
  var composer = document.querySelector("[data-pin-composer]");
  var form = composer ? composer.querySelector("[data-pin-form]") : null;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var DRAG_MIN = 6;  // pixels: less than this is a click, not a rectangle
  var preview = null;

  function fraction(value, size) { return Math.min(Math.max(value / size, 0), 1); }
  function percent(value) { return (Math.round(value * 10000) / 100).toString(); }

  function pointIn(event) {
    var box = image.getBoundingClientRect();
    return { x: fraction(event.clientX - box.left, box.width), y: fraction(event.clientY - box.top, box.height),
             px: event.clientX - box.left, py: event.clientY - box.top, box: box };
  }

  function setField(name, value) {
    var input = form.querySelector('[data-position="' + name + '"]');
    if (input) input.value = value;
  }

  function showPreview(area) {
    if (!preview) {
      preview = document.createElement("span");
      preview.setAttribute("aria-hidden", "true");
      stage.appendChild(preview);
    }
    preview.className = "pin pin-preview" + (area.w ? " is-area" : "");
    preview.style.left = area.x * 100 + "%";
    preview.style.top = area.y * 100 + "%";
    preview.style.width = area.w ? area.w * 100 + "%" : "";
    preview.style.height = area.h ? area.h * 100 + "%" : "";
    preview.innerHTML = '<span class="pin-number">+</span>';
  }

  function openComposer(area) {
    setField("x", percent(area.x));
    setField("y", percent(area.y));
    setField("w", area.w ? percent(area.w) : "");
    setField("h", area.h ? percent(area.h) : "");
    var summary = form.querySelector("[data-position-summary]");
    if (summary) summary.textContent = (area.w ? "A rectangle" : "A spot") + " at " + percent(area.x) + "% across, " +
      percent(area.y) + "% down. Adjust the numbers if you need to.";
    showPreview(area);
    composer.hidden = false;
    var first = form.querySelector("[data-mode-panel]:not([hidden]) input, [data-mode-panel]:not([hidden]) select");
    (first || form.querySelector("input:not([type=hidden])")).focus({ preventScroll: false });
  }

  // Placing a pin: a click is a spot, a drag is a rectangle.
  if (composer && form && stage.getAttribute("data-can-pin") === "1") {
    var start = null;
    var box = null;

    image.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.preventDefault();
      start = pointIn(event);
      image.setPointerCapture(event.pointerId);
    });
    image.addEventListener("pointermove", function (event) {
      if (!start) return;
      var now = pointIn(event);
      if (!box && Math.abs(now.px - start.px) < DRAG_MIN && Math.abs(now.py - start.py) < DRAG_MIN) return;
      if (!box) { box = document.createElement("span"); box.className = "pin-drag-box"; stage.appendChild(box); }
      box.style.left = Math.min(start.x, now.x) * 100 + "%";
      box.style.top = Math.min(start.y, now.y) * 100 + "%";
      box.style.width = Math.abs(now.x - start.x) * 100 + "%";
      box.style.height = Math.abs(now.y - start.y) * 100 + "%";
    });
    image.addEventListener("pointerup", function (event) {
      if (!start) return;
      var end = pointIn(event);
      var area = { x: start.x, y: start.y, w: 0, h: 0 };
      if (box) {
        area = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), w: Math.abs(end.x - start.x),
                 h: Math.abs(end.y - start.y) };
        box.remove();
        box = null;
      }
      start = null;
      openComposer(area);
    });
    image.addEventListener("pointercancel", function () { start = null; if (box) { box.remove(); box = null; } });
    image.addEventListener("click", function (event) {
      event.preventDefault();
      if (event.detail === 0) openComposer({ x: 0.5, y: 0.5, w: 0, h: 0 });  // keyboard: start in the middle
    });

    var cancel = form.querySelector("[data-pin-cancel]");
    if (cancel) cancel.addEventListener("click", function (event) {
      event.preventDefault();
      composer.hidden = true;
      if (preview) { preview.remove(); preview = null; }
      image.focus();
    });
  }

  // The form shows only the fields of the chosen kind of pin.
  function showMode() {
    if (!form) return;
    var chosen = form.querySelector("[data-pin-mode]:checked");
    var mode = chosen ? chosen.value : "new";
    form.querySelectorAll("[data-mode-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-mode-panel").split(" ").indexOf(mode) < 0;
    });
  }
  document.querySelectorAll("[data-pin-form]").forEach(function (f) {
    form = form || f;
    f.addEventListener("change", function (event) { if (event.target.matches("[data-pin-mode]")) showMode(); });
  });
  showMode();

  // A cluster opens in place to show its pins.
  stage.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-cluster-toggle]");
    if (!toggle) return;
    event.preventDefault();
    var wrap = toggle.closest("[data-cluster]");
    var members = wrap.querySelector("[data-cluster-members]");
    wrap.classList.add("is-open");
    members.hidden = false;
    var first = members.querySelector(".pin");
    if (first) first.focus();
  });

  var hide = document.querySelector("[data-hide-pins]");
  if (hide) hide.addEventListener("change", function () { stage.classList.toggle("pins-hidden", hide.checked); });

  // Re-anchoring: people who may move a pin drag it to its new spot; a short press still opens the idea.
  var drag = null;
  var droppedAt = 0;
  // The click that ends a drag does not open the idea.
  stage.addEventListener("click", function (event) {
    if (Date.now() - droppedAt < 500 && event.target.closest(".pin")) event.preventDefault();
  }, true);
  stage.addEventListener("pointerdown", function (event) {
    var pin = event.target.closest(".pin[data-move-url]");
    if (!pin || event.button !== 0 || !csrfMeta) return;
    event.preventDefault();  // no native link drag or text selection: this pointer now moves the pin
    pin.setPointerCapture(event.pointerId);
    drag = { pin: pin, startX: event.clientX, startY: event.clientY, moved: false,
             left: pin.style.left, top: pin.style.top };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    if (!drag.moved && Math.abs(event.clientX - drag.startX) < DRAG_MIN && Math.abs(event.clientY - drag.startY) < DRAG_MIN) return;
    drag.moved = true;
    drag.pin.classList.add("is-dragging");
    var at = pointIn(event);
    drag.pin.style.left = at.x * 100 + "%";
    drag.pin.style.top = at.y * 100 + "%";
  });
  document.addEventListener("pointerup", function (event) {
    if (!drag) return;
    var current = drag;
    drag = null;
    if (!current.moved) return;
    current.pin.classList.remove("is-dragging");
    droppedAt = Date.now();
    var at = pointIn(event);
    var body = new URLSearchParams({ x: percent(at.x), y: percent(at.y), csrf_token: csrfMeta.content });
    if (current.pin.classList.contains("is-area")) {
      body.set("w", percent(parseFloat(current.pin.style.width) / 100));
      body.set("h", percent(parseFloat(current.pin.style.height) / 100));
    }
    fetch(current.pin.getAttribute("data-move-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfMeta.content }
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      current.pin.classList.remove("needs-review");
      var live = document.querySelector("[data-live]");
      if (live) live.textContent = "Pin moved.";
    }).catch(function () {
      current.pin.style.left = current.left;
      current.pin.style.top = current.top;
      var live = document.querySelector("[data-live]");
      if (live) live.textContent = "The pin could not be moved there.";
    });
  });
})();
