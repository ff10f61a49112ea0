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
        deskSocket = socket;
        // Subscribed only now: the list catches up on what happened since the page was
        // rendered or the socket dropped (the thread does so when its watch is acknowledged).
        if (document.querySelector("[data-inbox-list]")) {
          document.body.dispatchEvent(new CustomEvent("layan-inbox-changed"));
        }
        watchConversation();
        heartbeat = setInterval(function () {
          socket.send(JSON.stringify({ type: "ping" }));
        }, 60000);
      });
      socket.addEventListener("message", function (message) {
        var event = JSON.parse(message.data);
        onConversationEvent(event);
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

  var deskSocket = null;

  // Inbox and conversation pages follow the workspace's events: the list and the thread
  // re-fetch themselves (htmx, on these body events) and colleagues' presence is shown.
  // "conversation.watching" (the socket has joined the open conversation) re-fetches too.
  function onConversationEvent(event) {
    var page = document.querySelector("[data-conversation-page]");
    var live = event.type === "conversation.presence" || event.type === "conversation.visitor_typing";
    if (/^(conversation|message)\./.test(event.type) && !live) {
      if (document.querySelector("[data-inbox-list]")) {
        document.body.dispatchEvent(new CustomEvent("layan-inbox-changed"));
      }
      if (page && String(event.data.conversation) === page.dataset.conversationPage) {
        document.body.dispatchEvent(new CustomEvent("layan-thread-changed"));
      }
    }
    if (event.type === "conversation.presence" && page) showCollision(event.data);
    if (event.type === "conversation.created" && event.data.channel === "chat") notifyNewChat(event.data);
    if (event.type === "conversation.visitor_typing" && page) showVisitorTyping();
    if (event.type === "call.ringing") notifyCall(event.data);
  }

  // A call ringing: who it is, linking to their card (their history on every channel).
  function notifyCall(data) {
    var box = document.querySelector("[data-toasts]");
    if (!box) return;
    var link = document.createElement("a");
    link.href = document.body.dataset.customerPath.replace("0", data.customer);
    link.className = "toast";
    link.dataset.incomingCall = data.number;
    link.textContent = document.body.dataset.labelIncomingCall.replace("{name}", data.name);
    box.appendChild(link);
    setTimeout(function () { link.remove(); }, 30000);
    chime();
  }

  // A new live chat: a toast that links to it, a short chime, and the tab title flashes.
  function notifyNewChat(data) {
    var box = document.querySelector("[data-toasts]");
    if (!box) return;
    var link = document.createElement("a");
    link.href = document.body.dataset.chatPath + data.number + "/";
    link.className = "toast";
    link.dataset.newChat = data.number;
    link.textContent = document.body.dataset.labelNewChat.replace("{number}", data.number);
    box.appendChild(link);
    setTimeout(function () { link.remove(); }, 15000);
    chime();
    if (document.hidden) {
      var title = document.title;
      document.title = "● " + link.textContent;
      document.addEventListener("visibilitychange", function restore() {
        document.title = title;
        document.removeEventListener("visibilitychange", restore);
      });
    }
  }

  function chime() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (error) { /* no sound: the toast is enough */ }
  }

  var visitorTypingTimer = null;
  function showVisitorTyping() {
    var note = document.querySelector("[data-visitor-typing]");
    if (!note) return;
    note.hidden = false;
    clearTimeout(visitorTypingTimer);
    visitorTypingTimer = setTimeout(function () { note.hidden = true; }, 5000);
  }

  // An inbox list re-fetched with nothing new in it is left as it is: replacing it anyway
  // could swallow a click that lands during the swap (mousedown on the old row, mouseup on
  // the new one), and it is re-fetched on every socket open and every workspace event.
  // (Compared as the browser serialises both, less the CSRF token, which differs per render.)
  function listMarkup(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.remove();
    });
    return template.innerHTML.trim();
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.matches("[data-inbox-list]") || !event.detail.shouldSwap) return;
    if (listMarkup(event.detail.serverResponse) === listMarkup(target.innerHTML)) {
      event.detail.shouldSwap = false;
    }
  });

  // The thread was refreshed while in view: the chat visitor sees it as read.
  document.addEventListener("htmx:afterSwap", function (event) {
    var page = document.querySelector("[data-conversation-page]");
    if (!page || !deskSocket || document.hidden || event.target.id !== "thread") return;
    var note = document.querySelector("[data-visitor-typing]");
    if (note) note.hidden = true;
    deskSocket.send(JSON.stringify({ type: "read", conversation: Number(page.dataset.conversationPage) }));
  });

  function showCollision(data) {
    var box = document.querySelector("[data-collision]");
    if (!box) return;
    var me = document.body.dataset.agentId;
    var others = (data.viewers || []).filter(function (viewer) { return String(viewer.id) !== me; });
    var typing = others.filter(function (viewer) { return viewer.typing; });
    var names = function (list) { return list.map(function (viewer) { return viewer.name; }).join(", "); };
    if (typing.length) {
      box.textContent = document.body.dataset.labelTyping.replace("{names}", names(typing));
    } else if (others.length) {
      box.textContent = document.body.dataset.labelViewing.replace("{names}", names(others));
    } else {
      box.textContent = "";
    }
    box.hidden = !box.textContent;
  }

  function watchConversation() {
    var page = document.querySelector("[data-conversation-page]");
    if (!page || !deskSocket) return;
    deskSocket.send(JSON.stringify({ type: "watch", conversation: Number(page.dataset.conversationPage) }));
  }

  function bindReplyForm() {
    var text = document.querySelector("[data-reply-text]");
    if (!text) return;
    var lastTyping = 0;
    text.addEventListener("input", function () {
      var page = document.querySelector("[data-conversation-page]");
      var now = Date.now();
      if (!deskSocket || !page || now - lastTyping < 3000) return;
      lastTyping = now;
      deskSocket.send(JSON.stringify({ type: "typing", conversation: Number(page.dataset.conversationPage) }));
    });
    // Knowledge panel: "Insert link" / "Insert text" put the article into the reply.
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert]");
      if (!button) return;
      var start = text.selectionStart || text.value.length;
      var value = button.dataset.insert;
      var before = text.value.slice(0, start);
      var glue = before && !/\s$/.test(before) ? "\n" : "";
      text.value = before + glue + value + text.value.slice(text.selectionEnd || start);
      text.focus();
    });
    var select = document.querySelector("[data-macro-select]");
    if (select) {
      select.addEventListener("change", function () {
        if (!select.value) return;
        fetch(select.value, { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            var start = text.selectionStart || text.value.length;
            text.value = text.value.slice(0, start) + data.text + text.value.slice(text.selectionEnd || start);
            text.focus();
            select.value = "";
          });
      });
    }
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
    var none = document.querySelector("[data-faq-none]");
    input.addEventListener("input", function () {
      var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      var total = 0;
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
        total += shown;
      });
      // Nothing matches: say so (and offer search and contact) instead of an empty page.
      if (none) none.hidden = total > 0;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncTimezone();
    connectDesk();
    bindLanguageSwitches();
    bindFaqFilter();
    bindReplyForm();
  });
})();
