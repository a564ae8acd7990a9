// Progressive enhancement only: every action works as a plain form POST without this file.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function announce(message) {
    var region = document.querySelector("[data-live]");
    if (region) region.textContent = message;
  }

  // A message in the page's flash area, like the ones the server shows after a redirect.
  function notice(message) {
    var flashes = document.querySelector(".flashes");
    if (!flashes) {
      flashes = document.createElement("div");
      flashes.className = "flashes";
      flashes.setAttribute("role", "status");
      document.querySelector("main").prepend(flashes);
    }
    var item = document.createElement("p");
    item.className = "flash flash-error";
    item.textContent = message;
    flashes.replaceChildren(item);  // after the region is in the page, so screen readers announce it
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
      // Too many votes: submitting the form again would only be refused again, so say it on this page.
      if (response.status === 429) return response.json().then(function (data) { notice(data.detail); });
      if (!response.ok) throw new Error("vote failed: " + response.status);
      return response.json();
    }).then(function (data) {
      if (data) setVoteState(form, data.voted, data.vote_count);
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

// Similar ideas while typing a new idea's title: up to five, each with its vote button, so a person can
// vote instead of posting a duplicate. Without this script, the first submit shows them instead.
(function () {
  "use strict";

  var box = document.querySelector("[data-similar]");
  var form = document.querySelector("form[data-new-idea]");
  if (!box || !form || !window.fetch) return;
  var title = form.querySelector("#title");
  var prototype = form.querySelector("#prototype");
  var list = box.querySelector(".similar-list");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var timer = null;
  var latest = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(name, value) {
    var input = el("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // Looks like the vote_button macro; a plain button (a form cannot sit inside the new-idea form) that votes
  // with fetch and the CSRF header, and opens the idea if that fails.
  function voteButton(idea) {
    var count = el("span", "vote-count", String(idea.vote_count));
    var label = el("span", "visually-hidden", " votes. Vote for " + idea.title);
    var button = el(idea.can_vote ? "button" : "span", "vote-button vote-small" + (idea.voted ? " is-voted" : "")
      + (idea.can_vote ? "" : " is-frozen"));
    var arrow = el("span", "vote-arrow", "\u25B2");
    arrow.setAttribute("aria-hidden", "true");
    button.append(arrow, count, label);
    if (!idea.can_vote) return button;
    button.type = "button";
    button.setAttribute("aria-pressed", idea.voted ? "true" : "false");
    button.addEventListener("click", function () {
      if (button.classList.contains("is-busy")) return;
      button.classList.add("is-busy");
      var body = new FormData();
      body.append("action", idea.voted ? "remove" : "add");
      fetch("/ideas/" + idea.id + "/vote", {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken }
      }).then(function (response) {
        if (!response.ok) throw new Error("vote failed: " + response.status);
        return response.json();
      }).then(function (data) {
        idea.voted = data.voted;
        count.textContent = String(data.vote_count);
        button.classList.toggle("is-voted", data.voted);
        button.setAttribute("aria-pressed", data.voted ? "true" : "false");
        var region = document.querySelector("[data-live]");
        if (region) region.textContent = (data.voted ? "Vote recorded. " : "Vote removed. ") + data.vote_count + " votes.";
      }).catch(function () {
        window.location.href = idea.url;
      }).finally(function () {
        button.classList.remove("is-busy");
      });
    });
    return button;
  }

  function confirmed(on) {
    var field = form.querySelector('input[name="confirmed"]');
    if (on && !field) form.append(hidden("confirmed", "1"));
    if (!on && field) field.remove();
  }

  function show(ideas) {
    list.textContent = "";
    ideas.forEach(function (idea) {
      var item = el("li", "similar-item");
      var link = el("a", "", idea.title);
      link.href = idea.url;
      item.append(voteButton(idea), link, el("span", "similar-status", idea.status));
      list.append(item);
    });
    box.hidden = ideas.length === 0;
    // The person has seen the similar ideas here, so the form need not stop to show them again.
    confirmed(ideas.length > 0);
  }

  function lookUp() {
    var text = title.value.trim();
    if (text.length < 4) { show([]); return; }
    var query = "?title=" + encodeURIComponent(text)
      + (prototype && prototype.value ? "&prototype=" + encodeURIComponent(prototype.value) : "");
    var ticket = ++latest;
    fetch(box.getAttribute("data-similar-url") + query, {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("similar ideas failed: " + response.status);
      return response.json();
    }).then(function (data) {
      if (ticket === latest) show(data.ideas || []);
    }).catch(function () { /* the form works without suggestions */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 300);
  }

  title.addEventListener("input", schedule);
  if (prototype) prototype.addEventListener("change", schedule);
  if (title.value.trim()) schedule();
})();

// Notifications: follow in place, mark read in place, and opening a notification marks it read.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  if (!window.fetch) return;

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST", body: body || new FormData(), credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken }
    }).then(function (response) {
      if (!response.ok) throw new Error("request failed: " + response.status);
      return response.json();
    });
  }

  function announce(message) {
    var region = document.querySelector("[data-live]");
    if (region) region.textContent = message;
  }

  function setBell(unread) {
    var bell = document.querySelector("[data-bell]");
    if (!bell) return;
    var badge = bell.querySelector("[data-bell-count]");
    var text = unread >= 100 ? "99+" : String(unread);
    bell.classList.toggle("has-unread", unread > 0);
    bell.setAttribute("aria-label", unread > 0 ? "Notifications, " + text + " unread" : "Notifications");
    if (badge) { badge.textContent = unread > 0 ? text : ""; badge.hidden = unread === 0; }
    var summary = document.querySelector("[data-unread-summary]");
    if (summary) summary.textContent = unread > 0 ? text + " unread" : "You're all caught up.";
  }

  function markedRead(item) {
    if (!item) return;
    item.classList.remove("is-unread");
    var form = item.querySelector("form[data-mark-read]");
    if (form) form.remove();
    var hidden = item.querySelector(".notify-headline .visually-hidden");
    if (hidden) hidden.remove();
    var link = item.querySelector("a[data-read-url]");
    if (link) link.removeAttribute("data-read-url");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-follow]")) {
      event.preventDefault();
      var button = form.querySelector(".follow-button");
      if (button.classList.contains("is-busy")) return;
      button.classList.add("is-busy");
      post(form.getAttribute("action"), new FormData(form)).then(function (data) {
        button.classList.toggle("is-following", data.following);
        button.setAttribute("aria-pressed", data.following ? "true" : "false");
        button.querySelector(".follow-label").textContent = data.following ? "Following" : "Follow";
        form.setAttribute("action", form.getAttribute(data.following ? "data-unfollow-url" : "data-follow-url"));
        var count = document.querySelector("[data-follow-count]");
        if (count) count.textContent = data.follower_count + " following";
        announce(data.following ? "You follow this idea." : "You no longer follow this idea.");
      }).catch(function () {
        HTMLFormElement.prototype.submit.call(form);
      }).finally(function () {
        button.classList.remove("is-busy");
      });
    } else if (form.matches("form[data-mark-read]")) {
      event.preventDefault();
      post(form.getAttribute("action"), new FormData(form)).then(function (data) {
        markedRead(form.closest(".notify-item"));
        setBell(data.unread);
        announce("Marked as read.");
      }).catch(function () {
        HTMLFormElement.prototype.submit.call(form);
      });
    }
  });

  // Opening a notification marks it read; keepalive lets the request finish while the next page loads.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-read-url]");
    if (!link) return;
    post(link.getAttribute("data-read-url"), null, true).catch(function () { /* it stays unread */ });
    markedRead(link.closest(".notify-item"));
  });
})();
