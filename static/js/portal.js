// Progressive enhancement only: every action works as a plain form POST without this file.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function announce(message) {
    var region = document.querySelector("[data-live]");
    if (region) region.textContent = message;
  }

  function setVoteState(form, voted, count) {
    var button = form.querySelector(".vote-button");
    var action = form.querySelector('input[name="action"]');
    button.classList.toggle("is-voted", voted);
    button.setAttribute("aria-pressed", voted ? "true" : "false");
    button.querySelector(".vote-count").textContent = count;
    action.value = voted ? "remove" : "add";
    announce((voted ? "Vote recorded. " : "Vote removed. ") + count + (count === 1 ? " vote." : " votes."));
  }

  // Votes update in place; on any failure the form falls back to a normal submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-vote]") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector(".vote-button");
    if (button.classList.contains("is-busy")) return;
    button.classList.add("is-busy");
    // getAttribute: a field named "action" shadows form.action.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("vote failed: " + response.status);
      return response.json();
    }).then(function (data) {
      setVoteState(form, data.voted, data.vote_count);
    }).catch(function () {
      HTMLFormElement.prototype.submit.call(form);
    }).finally(function () {
      button.classList.remove("is-busy");
    });
  });

  // Destructive buttons ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();
