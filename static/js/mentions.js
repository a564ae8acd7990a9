// @mention suggestions in any textarea with data-mentions="<suggest URL>". Without this file, typing
// `@Full Name` by hand works the same: the server finds and links mentions when the text is saved.
// ARIA combobox pattern: the textarea owns a listbox of options and points at the active one.
(function () {
  "use strict";

  if (!window.fetch || !window.AbortController) return;

  var DEBOUNCE_MS = 150;
  var QUERY_MAX = 60;
  // `@` at the start or after whitespace/punctuation (not in an email address or URL), then up to four words:
  // the same shape the server reads as a mention.
  var TRIGGER = /(^|[\s([{"'“‘«>*,;:!?])@([^\s@<>()[\]{}"`*_~,;:!?/\\|&=+#%^$]*(?: [^\s@<>()[\]{}"`*_~,;:!?/\\|&=+#%^$]*){0,3})$/;
  var MIRRORED = ["boxSizing", "width", "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth",
    "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "fontStyle", "fontVariant", "fontWeight",
    "fontStretch", "fontSize", "lineHeight", "fontFamily", "textAlign", "textTransform", "textIndent",
    "letterSpacing", "wordSpacing", "tabSize"];
  var counter = 0;

  function announce(message) {
    var region = document.querySelector("[data-live]");
    if (region) region.textContent = message;
  }

  // Where the caret is drawn, relative to the textarea's border box: a hidden copy of the text up to the caret.
  function caretPoint(textarea, index) {
    var style = window.getComputedStyle(textarea);
    var mirror = document.createElement("div");
    MIRRORED.forEach(function (name) { mirror.style[name] = style[name]; });
    mirror.style.position = "absolute";
    mirror.style.visibility = "hidden";
    mirror.style.top = "0";
    mirror.style.left = "-9999px";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.overflowWrap = "break-word";
    mirror.textContent = textarea.value.slice(0, index);
    var marker = document.createElement("span");
    marker.textContent = "\u200b";
    mirror.appendChild(marker);
    document.body.appendChild(mirror);
    var lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
    var point = { top: marker.offsetTop - textarea.scrollTop, left: marker.offsetLeft - textarea.scrollLeft,
                  height: lineHeight };
    document.body.removeChild(mirror);
    return point;
  }

  function Mentions(textarea) {
    this.textarea = textarea;
    this.url = textarea.getAttribute("data-mentions");
    this.id = "mention-list-" + (++counter);
    this.list = document.createElement("ul");
    this.list.id = this.id;
    this.list.className = "mention-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "People to mention");
    this.list.hidden = true;
    textarea.parentNode.classList.add("mention-host");
    textarea.insertAdjacentElement("afterend", this.list);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-haspopup", "listbox");
    textarea.setAttribute("aria-controls", this.id);
    textarea.setAttribute("aria-expanded", "false");
    this.people = [];
    this.active = -1;
    this.trigger = null;  // {start, query}: the `@` being completed
    this.dismissedAt = -1;  // Escape closes until another `@` is typed
    this.timer = null;
    this.request = null;
    this.emptyPrefix = null;  // a query that found nobody: longer ones will not either
    this.bind();
  }

  Mentions.prototype.bind = function () {
    var self = this;
    this.textarea.addEventListener("input", function () { self.update(); });
    this.textarea.addEventListener("click", function () { self.update(); });
    this.textarea.addEventListener("keydown", function (event) { self.keydown(event); });
    this.textarea.addEventListener("blur", function () { self.close(); });
    // mousedown, not click: the textarea keeps its focus (and caret) while an option is picked.
    this.list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      self.pick(Number(option.getAttribute("data-index")));
    });
  };

  Mentions.prototype.currentTrigger = function () {
    var textarea = this.textarea;
    if (textarea.selectionStart !== textarea.selectionEnd) return null;
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = TRIGGER.exec(before.slice(-(QUERY_MAX + 2)));
    if (!match) return null;
    var query = match[2];
    var start = before.length - query.length - 1;
    if (!query) {
      if (start === this.dismissedAt) this.dismissedAt = -1;  // back to a bare `@`: suggest again
      return null;
    }
    if (query.length > QUERY_MAX || !/^[\p{L}\p{N}]/u.test(query) || start === this.dismissedAt) return null;
    return { start: start, query: query };
  };

  Mentions.prototype.update = function () {
    var trigger = this.currentTrigger();
    if (!trigger) {
      this.close();
      return;
    }
    if (this.trigger && this.trigger.start === trigger.start && this.trigger.query === trigger.query) return;
    this.trigger = trigger;
    if (this.emptyPrefix !== null && trigger.query.toLowerCase().indexOf(this.emptyPrefix) === 0) {
      this.close();
      return;
    }
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(trigger); }, DEBOUNCE_MS);
  };

  Mentions.prototype.fetch = function (trigger) {
    var self = this;
    if (this.request) this.request.abort();  // superseded by what was typed since
    var controller = new AbortController();
    this.request = controller;
    var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(trigger.query);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", signal: controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("suggestions failed: " + response.status);
        return response.json();
      }).then(function (data) {
        if (self.request !== controller || self.trigger !== trigger) return;
        self.request = null;
        self.emptyPrefix = data.people.length ? null : trigger.query.toLowerCase();
        self.show(data.people);
      }).catch(function (error) {
        if (error.name !== "AbortError") self.close();
      });
  };

  Mentions.prototype.show = function (people) {
    this.people = people;
    this.list.textContent = "";
    if (!people.length) {
      this.close();
      return;
    }
    var self = this;
    people.forEach(function (person, index) {
      var option = document.createElement("li");
      option.id = self.id + "-" + index;
      option.className = "mention-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      var avatar = document.createElement("span");
      avatar.className = "avatar avatar-small avatar-" + String(person.role).toLowerCase();
      avatar.setAttribute("aria-hidden", "true");
      avatar.textContent = person.initials;
      var name = document.createElement("span");
      name.className = "mention-name";
      name.textContent = person.name;
      var role = document.createElement("span");
      role.className = "mention-role";
      role.textContent = person.role;
      option.appendChild(avatar);
      option.appendChild(name);
      option.appendChild(role);
      self.list.appendChild(option);
    });
    this.list.hidden = false;
    this.place();
    this.textarea.setAttribute("aria-expanded", "true");
    this.activate(0);
    announce(people.length + (people.length === 1 ? " person" : " people") + " to mention. Use the arrow keys.");
  };

  // Under the line being typed, kept inside the textarea's width.
  Mentions.prototype.place = function () {
    var textarea = this.textarea;
    var point = caretPoint(textarea, this.trigger.start);
    var top = Math.min(point.top + point.height, textarea.clientHeight) + textarea.offsetTop + 4;
    this.list.style.top = top + "px";
    this.list.style.left = "0px";
    var room = textarea.offsetWidth - this.list.offsetWidth;
    this.list.style.left = textarea.offsetLeft + Math.max(0, Math.min(point.left, room)) + "px";
  };

  Mentions.prototype.activate = function (index) {
    var options = this.list.children;
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
      options[i].classList.toggle("is-active", i === this.active);
    }
    this.textarea.setAttribute("aria-activedescendant", options[this.active].id);
    options[this.active].scrollIntoView({ block: "nearest" });
  };

  Mentions.prototype.isOpen = function () {
    return !this.list.hidden;
  };

  Mentions.prototype.close = function () {
    window.clearTimeout(this.timer);
    if (this.request) this.request.abort();
    this.request = null;
    this.trigger = null;
    this.active = -1;
    this.list.hidden = true;
    this.textarea.setAttribute("aria-expanded", "false");
    this.textarea.removeAttribute("aria-activedescendant");
  };

  Mentions.prototype.keydown = function (event) {
    if (!this.isOpen() || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var handled = true;
    if (event.key === "ArrowDown") this.activate(this.active + 1);
    else if (event.key === "ArrowUp") this.activate(this.active - 1);
    else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && this.active >= 0) this.pick(this.active);
    else if (event.key === "Escape") {
      this.dismissedAt = this.trigger ? this.trigger.start : -1;
      this.close();
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  Mentions.prototype.pick = function (index) {
    var person = this.people[index];
    var trigger = this.trigger;
    if (!person || !trigger) return;
    var textarea = this.textarea;
    var end = textarea.selectionStart;
    var text = "@" + person.name + " ";
    textarea.setRangeText(text, trigger.start, end, "end");
    this.dismissedAt = trigger.start;  // this `@` is done; typing on does not reopen the list
    this.close();
    this.emptyPrefix = null;
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    announce(person.name + " mentioned.");
  };

  function enhance(textarea) {
    if (textarea.mentions || !textarea.getAttribute("data-mentions")) return;
    textarea.mentions = new Mentions(textarea);
  }

  // Enhanced on first focus: a page with a hundred reply boxes builds lists only for those someone types in.
  function enhanceIfMentions(element) {
    if (element && element.matches && element.matches("textarea[data-mentions]")) enhance(element);
  }
  document.addEventListener("focusin", function (event) { enhanceIfMentions(event.target); });
  enhanceIfMentions(document.activeElement);  // focused (autofocus, or the reader was quick) before this ran
})();
