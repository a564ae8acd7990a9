// The progress of a CSV import, progressively enhanced: without this file the page is a form whose button imports
// the next group of ideas. With it, the page asks for one group after another (each a POST answered with the
// import's status as JSON) and moves the bar, stopping at the first failure so the admin decides to resume.
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  if (!box || !csrfMeta || !window.fetch) return;

  var form = box.querySelector("[data-import-continue]");
  var button = form.querySelector("button");
  var hint = box.querySelector("[data-import-hint]");
  var count = box.querySelector("[data-import-count]");
  var bar = box.querySelector("[data-import-bar]");
  var line = box.querySelector("[data-import-line]");
  var errorBox = box.querySelector("[data-import-error]");
  var errorText = box.querySelector("[data-import-error-text]");
  var format = new Intl.NumberFormat("en");
  var running = false;

  function show(state) {
    var strong = document.createElement("strong");
    strong.textContent = format.format(state.imported);
    count.replaceChildren(strong, " of " + format.format(state.total) + " ideas imported");
    bar.max = state.total || 1;
    bar.value = state.imported;
    bar.textContent = state.imported + " of " + state.total;
    line.textContent = state.done_line
      ? "Every row up to line " + format.format(state.done_line) + " of the file is in."
      : "No row is written yet.";
    errorText.textContent = state.error || "";
    errorBox.hidden = !state.error;
  }

  function stop(message) {
    running = false;
    if (message) {
      errorText.textContent = message;
      errorBox.hidden = false;
    }
    button.disabled = false;
    button.textContent = "Resume the import";
    hint.textContent = "Nothing of the failed group was written; resuming tries it again.";
  }

  function answer(response) {
    return response.json().then(function (state) { return { ok: response.ok, state: state }; });
  }

  function step() {
    fetch(box.dataset.nextUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfMeta.content }
    }).then(answer).then(function (result) {
      show(result.state);
      if (result.state.done) {
        window.location.assign(box.dataset.doneUrl);
      } else if (!result.ok || result.state.error) {
        stop();
      } else {
        step();
      }
    }).catch(function () {
      stop("The portal did not answer; everything shown as imported is in. Resume to go on.");
    });
  }

  function run() {
    running = true;
    errorBox.hidden = true;
    button.disabled = true;
    button.textContent = "Importing…";
    hint.textContent = "Keep this page open until the import is complete.";
    step();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!running) run();
  });

  // The page may be stale (another tab went on meanwhile): start from the import's status as it is now. After a
  // failure the admin resumes by hand rather than the page retrying on its own.
  fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(answer).then(function (result) {
      show(result.state);
      if (result.state.done) window.location.assign(box.dataset.doneUrl);
      else if (!result.state.error) run();
      else stop();
    }).catch(function () { stop("The portal did not answer. Resume to go on."); });
})();
