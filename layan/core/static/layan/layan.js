// Layan pages: tell the server the visitor's time zone, and keep an agent's desk live.
(function () {
  "use strict";

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  // The footer's support hours are rendered in the visitor's own time zone once the server
  // knows it: remember the browser's zone in a cookie, and re-render the footer the first time.
  function syncTimezone() {
    var cookieName = document.body.dataset.timezoneCookie;
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    // IANA names are cookie-safe as they are ("Asia/Jakarta"); anything else is not a zone.
    if (!cookieName || !zone || !/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
    if (readCookie(cookieName) === zone) return;
    document.cookie = cookieName + "=" + zone + "; path=/; max-age=31536000; samesite=lax";
    document.body.dispatchEvent(new CustomEvent("layan-timezone"));
  }

  // The desk socket: presence heartbeats out, workspace events in. Reconnects with backoff.
  function connectDesk() {
    var url = document.body.dataset.deskSocket;
    if (!url) return;
    var delay = 1000;
    var heartbeat = null;
    function open() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + url);
      socket.addEventListener("open", function () {
        delay = 1000;
        document.body.dataset.socket = "open";
        heartbeat = setInterval(function () {
          socket.send(JSON.stringify({ type: "ping" }));
        }, 60000);
      });
      socket.addEventListener("message", function (message) {
        var event = JSON.parse(message.data);
        if (event.type === "agent.availability_changed") {
          document.querySelectorAll('[data-agent-presence="' + event.data.agent_id + '"]').forEach(function (node) {
            node.dataset.availability = event.data.availability;
            var label = document.body.dataset["label" + event.data.availability.charAt(0).toUpperCase() + event.data.availability.slice(1)];
            var text = node.querySelector(".presence-label");
            if (text && label) text.textContent = label;
          });
        }
      });
      socket.addEventListener("close", function () {
        document.body.dataset.socket = "closed";
        clearInterval(heartbeat);
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }
    open();
  }

  // Switching language on an article goes to that article's translation when there is one.
  function bindLanguageSwitches() {
    document.querySelectorAll("select[data-language-switch]").forEach(function (select) {
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        if (option.dataset.next) select.form.elements.next.value = option.dataset.next;
        select.form.submit();
      });
    });
  }

  // The FAQ filter: hide entries (and empty groups) that do not contain what is typed.
  function bindFaqFilter() {
    var input = document.querySelector("[data-faq-filter]");
    if (!input) return;
    input.addEventListener("input", function () {
      var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll("[data-faq-group]").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("[data-faq-entry]").forEach(function (entry) {
          var text = entry.textContent.toLocaleLowerCase();
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          entry.hidden = !match;
          if (match) shown += 1;
          if (match && words.length) entry.open = true;
        });
        group.hidden = shown === 0;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncTimezone();
    connectDesk();
    bindLanguageSwitches();
    bindFaqFilter();
  });
})();
