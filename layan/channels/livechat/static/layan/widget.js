/* Layan chat widget. Embed with:
 *   <script src="https://support.example/widget.js" data-workspace="your-workspace" async></script>
 * Optional: data-language="id" (otherwise the page's <html lang>, then the browser's).
 * Plain JavaScript, no framework. Everything lives in a shadow root so the shop's CSS and ours
 * never meet. Messages are kept in an outbox (localStorage) until the server acknowledges them,
 * and sent again after a reconnect; the server drops duplicates by their client id.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.LayanChat) return;
  var base = new URL(script.src, location.href).origin;
  var workspace = script.getAttribute("data-workspace") || "";
  var language = script.getAttribute("data-language") || document.documentElement.lang || navigator.language || "";
  var storeKey = "layan.chat." + workspace;
  var EMOJI = ["😀", "😂", "😊", "😍", "🙏", "👍", "👎", "🎉", "😢", "😮", "❤️", "🔥", "✅", "❓", "📦", "🚚"];

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  var saved = load();
  var state = {
    token: saved.token || "",
    outbox: saved.outbox || [],
    identity: saved.identity || null,
    // The newest message from the shop the visitor has had in front of them, and how many
    // arrived since while the chat was closed (shown on the launcher).
    readUpto: saved.readUpto || 0,
    unread: 0,
    open: false,
    online: false,
    welcome: null,
    socket: null,
    retry: 0,
    lastId: 0,
    seen: {},
    agentReadUpto: 0,
    conversation: null,
    typingSent: 0,
    left: false
  };
  function save() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ token: state.token, outbox: state.outbox, identity: state.identity, readUpto: state.readUpto }));
    } catch (e) { /* private mode: the chat still works for this page */ }
  }
  function uid() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function t(key, values) {
    var text = (state.welcome && state.welcome.strings[key]) || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }
  // Between two sentences: a space, none in Chinese (the server says which).
  function gap() {
    var value = state.welcome && state.welcome.strings.sentence_gap;
    return typeof value === "string" ? value : " ";
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* ---- DOM ---- */
  var host = el("div", { id: "layan-chat" });
  var root = host.attachShadow({ mode: "open" });
  var css = [
    ":host{all:initial}",
    ":host([hidden]){display:none}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','PingFang SC','Microsoft YaHei',sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;color:#fff;background:var(--brand);font-size:15px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".unread{display:inline-block;min-width:20px;margin-left:8px;padding:1px 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;text-align:center}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:360px;max-width:calc(100vw - 24px);height:540px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#111827;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{background:var(--brand);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}",
    "header h2{font-size:16px;margin:0;flex:1}",
    "header .status{font-size:12px;opacity:.9;display:block;font-weight:normal}",
    "header button{background:transparent;border:0;color:#fff;font-size:18px;cursor:pointer;padding:4px 8px}",
    ".log{flex:1 1 auto;min-height:56px;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}",
    ".msg{max-width:80%;padding:8px 11px;border-radius:12px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}",
    ".msg.visitor{align-self:flex-end;background:var(--brand);color:#fff;border-bottom-right-radius:3px}",
    ".msg.agent,.msg.bot,.msg.system{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:3px}",
    ".msg .who{display:block;font-size:11px;color:#6b7280;margin-bottom:2px}",
    ".msg.visitor .who{color:rgba(255,255,255,.85)}",
    ".msg.pending{opacity:.6}",
    ".msg a{color:inherit}",
    ".msg .article{display:block;margin-top:6px;font-weight:600}",
    ".bot-actions{display:flex;gap:6px;margin-top:8px;flex-wrap:wrap}",
    ".bot-actions button{border:1px solid var(--brand);background:#fff;color:#111827;border-radius:14px;padding:4px 10px;cursor:pointer;font-size:13px}",
    ".msg img{max-width:100%;border-radius:6px;display:block;margin-top:4px}",
    ".meta{font-size:11px;color:#6b7280;align-self:flex-end}",
    ".note{font-size:13px;color:#374151;background:#eef2ff;border-radius:8px;padding:8px 10px}",
    ".typing{font-size:12px;color:#6b7280;padding:0 12px 4px;min-height:18px;background:#f9fafb}",
    "form.compose{display:flex;gap:6px;padding:8px;border-top:1px solid #e5e7eb;align-items:flex-end}",
    "textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:14px;max-height:120px}",
    ".icon{background:#f3f4f6;border:0;border-radius:8px;padding:8px;cursor:pointer;font-size:16px}",
    ".send{background:var(--brand);color:#fff;border:0;border-radius:8px;padding:8px 12px;cursor:pointer;font-size:14px}",
    ".emoji{display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:6px;border-top:1px solid #e5e7eb}",
    ".emoji[hidden],.form[hidden],.compose[hidden],.tools[hidden]{display:none}",
    ".emoji button{background:none;border:0;font-size:20px;cursor:pointer;border-radius:6px}",
    ".form{flex:0 1 auto;min-height:0;padding:14px;display:flex;flex-direction:column;gap:8px;overflow-y:auto}",
    ".form p{margin:0}",
    ".form label{font-size:13px;display:flex;flex-direction:column;gap:3px}",
    ".form input,.form textarea{border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:14px}",
    ".error{color:#b91c1c;font-size:12px}",
    ".tools{display:flex;gap:6px;padding:6px 8px;border-top:1px solid #e5e7eb;font-size:12px}",
    ".tools button{background:none;border:0;color:#374151;text-decoration:underline;cursor:pointer;font-size:12px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}"
  ].join("\n");
  root.appendChild(el("style", { text: css }));
  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "layan-panel", part: "launcher" });
  var titleText = document.createTextNode("");
  var status = el("span", { class: "status" });
  var title = el("h2", { id: "layan-title" }, [titleText, status]);
  var closeButton = el("button", { type: "button", class: "close", onclick: function () { toggle(false); } });
  closeButton.textContent = "×";
  var log = el("div", { class: "log", role: "log", "aria-live": "polite" });
  var typing = el("div", { class: "typing", "aria-live": "polite" });
  var textarea = el("textarea", { rows: "1", name: "text" });
  var fileInput = el("input", { type: "file", hidden: "hidden" });
  var attachButton = el("button", { type: "button", class: "icon attach", onclick: function () { fileInput.click(); } });
  // An icon drawn here, not an emoji: every system can show it.
  attachButton.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"/></svg>';
  var emojiButton = el("button", { type: "button", class: "icon emoji-toggle", "aria-expanded": "false" });
  emojiButton.textContent = "😊";
  var sendButton = el("button", { type: "submit", class: "send" });
  var compose = el("form", { class: "compose" }, [attachButton, emojiButton, textarea, sendButton, fileInput]);
  var emojiGrid = el("div", { class: "emoji", hidden: "hidden", role: "group" });
  EMOJI.forEach(function (symbol) {
    emojiGrid.appendChild(el("button", { type: "button", text: symbol, "aria-label": symbol, onclick: function () { insert(symbol); } }));
  });
  var form = el("form", { class: "form", hidden: "hidden", novalidate: "novalidate" });
  var transcriptButton = el("button", { type: "button", class: "transcript" });
  var tools = el("div", { class: "tools", hidden: "hidden" }, [transcriptButton]);
  var panel = el("div", { class: "panel", id: "layan-panel", role: "dialog", "aria-labelledby": "layan-title", hidden: "hidden", part: "panel" }, [
    el("header", {}, [title, closeButton]), log, form, typing, emojiGrid, compose, tools
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);

  // Open or close the chat. `restoring`: reopened on a new page of the site because it was
  // open on the last one (this tab's session), without taking the page's focus.
  function toggle(open, restoring) {
    state.open = open;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    try { sessionStorage.setItem(storeKey + ".open", open ? "1" : ""); } catch (e) { /* private mode */ }
    if (open) {
      if (!restoring) (form.hidden ? textarea : form.querySelector("input,textarea") || textarea).focus();
      markRead();
      caughtUp();
    } else {
      launcher.focus();
    }
  }
  function wasOpen() {
    try { return sessionStorage.getItem(storeKey + ".open") === "1"; } catch (e) { return false; }
  }
  launcher.addEventListener("click", function () { toggle(!state.open); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") toggle(false); });
  emojiButton.addEventListener("click", function () {
    emojiGrid.hidden = !emojiGrid.hidden;
    emojiButton.setAttribute("aria-expanded", String(!emojiGrid.hidden));
  });
  function insert(symbol) {
    var start = textarea.selectionStart || textarea.value.length;
    textarea.value = textarea.value.slice(0, start) + symbol + textarea.value.slice(textarea.selectionEnd || start);
    textarea.focus();
  }
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      compose.requestSubmit();
    }
  });
  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (textarea.value && now - state.typingSent > 2500) {
      state.typingSent = now;
      send({ type: "typing" });
    }
  });
  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) return;
    // Refused whole rather than cut: the visitor keeps the text to split it.
    if (text.length > (state.welcome && state.welcome.max_text || Infinity)) {
      note(t("too_long", { count: state.welcome.max_text.toLocaleString(state.welcome.language) }), "error");
      return;
    }
    textarea.value = "";
    state.typingSent = 0;
    emojiGrid.hidden = true;
    queue({ client_id: uid(), text: text });
  });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (file) upload(file);
  });

  /* ---- labels (after the welcome frame brings the visitor's language) ---- */
  function label() {
    var w = state.welcome;
    host.style.setProperty("--brand", w.colour);
    panel.style.setProperty("--brand", w.colour);
    launcher.style.setProperty("--brand", w.colour);
    launcherLabel();
    titleText.nodeValue = w.name;
    status.textContent = state.online ? t("online") : t("away");
    closeButton.setAttribute("aria-label", t("close"));
    log.setAttribute("aria-label", t("messages"));
    textarea.setAttribute("placeholder", t("placeholder"));
    textarea.setAttribute("aria-label", t("placeholder"));
    attachButton.setAttribute("aria-label", t("attach"));
    emojiButton.setAttribute("aria-label", t("emoji"));
    emojiGrid.setAttribute("aria-label", t("emoji"));
    sendButton.textContent = t("send");
    transcriptButton.textContent = t("transcript");
    root.host.setAttribute("lang", w.language);
  }

  /* ---- messages ---- */
  function hasChat() { return state.lastId > 0 || state.outbox.length > 0; }
  function bubble(message, pending) {
    var node = el("div", { class: "msg " + message.author + (pending ? " pending" : ""), "data-client-id": message.client_id || "" });
    if (message.id) node.setAttribute("data-id", message.id);
    var who = message.author === "visitor" ? t("you") : (message.name || state.welcome.name);
    node.appendChild(el("span", { class: "who", text: who }));
    var text = message.text || "";
    if (message.article && text.slice(-message.article.url.length) === message.article.url) {
      text = text.slice(0, text.lastIndexOf("\n\n"));
    }
    if (text) node.appendChild(document.createTextNode(text));
    if (message.article) {
      node.appendChild(el("a", { class: "article", href: message.article.url, target: "_blank", rel: "noopener", text: message.article.title }));
      if (!state.botDone) {
        node.appendChild(el("div", { class: "bot-actions" }, [
          el("button", { type: "button", class: "answered", text: t("answered"), onclick: function () { botFeedback(message.id, true); } }),
          el("button", { type: "button", class: "person", text: t("person"), onclick: function () { botFeedback(message.id, false); } })
        ]));
      }
    }
    (message.files || []).forEach(function (file) {
      var url = base + file.url;
      if (/^image\/(png|jpe?g|gif|webp)$/.test(file.type)) {
        node.appendChild(el("a", { href: url, target: "_blank", rel: "noopener" }, [el("img", { src: url, alt: file.name })]));
      } else {
        node.appendChild(el("a", { href: url, target: "_blank", rel: "noopener", text: "📄 " + file.name }));
      }
    });
    return node;
  }
  function show(message) {
    if (message.id && state.seen[message.id]) return;
    // A person has the chat (or was asked for): the bot's answers are no longer to judge.
    if (message.handoff || message.author === "agent") {
      if (message.agent) {
        // The hand-off names who took the chat: the routing's "joined" note, which may come
        // first, says nothing more.
        Array.prototype.forEach.call(log.querySelectorAll(".note.agent"), function (node) {
          if (node.getAttribute("data-name") === message.agent) node.remove();
        });
        state.agentNamed = message.agent;
      }
      state.botDone = true;
      Array.prototype.forEach.call(log.querySelectorAll(".bot-actions"), function (node) { node.remove(); });
    }
    var pending = message.client_id && log.querySelector('.msg.pending[data-client-id="' + message.client_id + '"]');
    var node = bubble(message, false);
    if (pending) log.replaceChild(node, pending); else log.appendChild(node);
    if (message.id) {
      state.seen[message.id] = true;
      state.lastId = Math.max(state.lastId, message.id);
      arrived(message);
    }
    if (message.conversation) state.conversation = message.conversation;
    if (message.author === "agent") typing.textContent = "";
    seenMarker();
    log.scrollTop = log.scrollHeight;
    if (message.author !== "visitor") markRead();
    refreshMode();
  }
  function botFeedback(id, answered) {
    state.botDone = true;
    Array.prototype.forEach.call(log.querySelectorAll(".bot-actions"), function (node) { node.remove(); });
    send({ type: "bot", message: id, answered: answered });
    note(answered ? t("glad") : t("connecting"));
  }
  function showPending(item) {
    if (log.querySelector('[data-client-id="' + item.client_id + '"]')) return;
    log.appendChild(bubble({ author: "visitor", client_id: item.client_id, text: item.text || item.file || "" }, true));
    log.scrollTop = log.scrollHeight;
  }
  function note(text, kind) {
    log.appendChild(el("div", { class: "note " + (kind || ""), text: text }));
    log.scrollTop = log.scrollHeight;
  }
  function seenMarker() {
    var old = log.querySelector(".meta.seen");
    if (old) old.remove();
    var mine = log.querySelectorAll(".msg.visitor[data-id]");
    var last = mine[mine.length - 1];
    if (last && Number(last.getAttribute("data-id")) <= state.agentReadUpto) {
      last.insertAdjacentElement("afterend", el("div", { class: "meta seen", text: t("seen") }));
    }
  }
  function markRead() {
    if (!state.open || document.hidden || !state.conversation) return;
    send({ type: "read", conversation: state.conversation, upto: state.lastId });
  }
  document.addEventListener("visibilitychange", function () { markRead(); caughtUp(); });

  // Replies that arrive while the chat is closed (or the page is in the background, or the
  // visitor was away) are counted on the launcher until the chat is open in front of them.
  function launcherLabel() {
    launcher.textContent = t("open");
    if (state.unread > 0) {
      launcher.appendChild(el("span", { class: "unread", "aria-hidden": "true", text: String(state.unread) }));
    }
    launcher.setAttribute("aria-label", state.unread > 0 ? t("unread", { count: state.unread }) : t("open"));
  }
  function arrived(message) {
    if (message.author === "visitor" || !message.id || message.id <= state.readUpto) return;
    if (state.open && !document.hidden) {
      state.readUpto = message.id;
      save();
    } else {
      state.unread += 1;
      if (state.welcome) launcherLabel();
    }
  }
  function caughtUp() {
    if (!state.open || document.hidden) return;
    state.readUpto = Math.max(state.readUpto, state.lastId);
    if (state.unread) {
      state.unread = 0;
      launcherLabel();
    }
    save();
  }

  function queue(item) {
    if (state.identity) { item.name = state.identity.name; item.email = state.identity.email; }
    item.page_url = location.href;
    item.referrer = document.referrer;
    item.browser_language = navigator.language || "";
    state.outbox.push(item);
    save();
    showPending(item);
    send(Object.assign({ type: "message" }, item));
  }
  function flush() {
    state.outbox.forEach(function (item) { send(Object.assign({ type: "message" }, item)); });
  }
  function send(frame) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
  function upload(file) {
    var max = state.welcome.max_file_mb;
    if (file.size > max * 1024 * 1024) { note(t("too_big", { mb: max }), "error"); return; }
    var clientId = uid();
    showPending({ client_id: clientId, file: "📄 " + file.name });
    var data = new FormData();
    data.append("token", state.token);
    data.append("client_id", clientId);
    data.append("file", file);
    fetch(base + "/chat/" + encodeURIComponent(workspace) + "/upload/", { method: "POST", body: data })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.message) show(body.message);
        else note(body.error || t("failed"), "error");
      })
      .catch(function () { note(t("failed"), "error"); });
  }

  /* ---- modes: chat, pre-chat form, leave a message ---- */
  function field(name, type, required) {
    var input = type === "textarea" ? el("textarea", { name: name, rows: "4" }) : el("input", { name: name, type: type });
    if (required) input.setAttribute("required", "required");
    return el("label", {}, [document.createTextNode(t(name)), input]);
  }
  function buildForm(kind) {
    form.innerHTML = "";
    form.setAttribute("data-kind", kind);
    var offline = kind === "offline";
    var intro = { offline: "offline_intro", prechat: "prechat_intro", contact: "contact_intro" }[kind];
    form.appendChild(el("p", { class: "note", text: t(intro) }));
    if (offline && state.welcome.reply_by) {
      form.appendChild(el("p", { class: "note reply-by", text: t("reply_by", { time: when(state.welcome.reply_by) }) }));
    }
    var required = offline || (kind === "prechat" && state.welcome.prechat === "required");
    form.appendChild(field("name", "text", required));
    form.appendChild(field("email", "email", required || kind === "contact"));
    if (offline) form.appendChild(field("message", "textarea", true));
    form.appendChild(el("p", { class: "error", role: "alert" }));
    form.appendChild(el("button", { type: "submit", class: "send", text: offline ? t("leave") : kind === "contact" ? t("send") : t("start") }));
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = {};
    var missing = false;
    Array.prototype.forEach.call(form.querySelectorAll("input,textarea"), function (input) {
      values[input.name] = input.value.trim();
      if (input.required && (!values[input.name] || !input.checkValidity())) missing = true;
    });
    if (missing) { form.querySelector(".error").textContent = t("required"); return; }
    state.identity = { name: values.name || "", email: values.email || "" };
    save();
    if (form.getAttribute("data-kind") === "offline") {
      state.left = true;
      queue({ client_id: uid(), text: values.message });
    } else if (values.email || values.name) {
      send({ type: "identify", name: values.name, email: values.email });
      if (form.getAttribute("data-kind") === "contact" && state.welcome.reply_by) {
        note(t("reply_by", { time: when(state.welcome.reply_by) }));
      }
    }
    form.hidden = true;
    refreshMode(true);
  });
  function refreshMode(keepForm) {
    if (!state.welcome) return;
    var offlineForm = !state.online && !hasChat() && !state.left && !state.welcome.bot;
    var prechat = state.online && !hasChat() && state.welcome.prechat !== "off" && !state.identity;
    if (!keepForm && (offlineForm || prechat) && form.hidden) {
      buildForm(offlineForm ? "offline" : "prechat");
      form.hidden = false;
    }
    if (!offlineForm && !prechat && form.getAttribute("data-kind") !== "contact") form.hidden = true;
    compose.hidden = !form.hidden;
    tools.hidden = !hasChat();
  }
  function when(iso) {
    try {
      return new Date(iso).toLocaleString(state.welcome.language === "zh-hans" ? "zh-CN" : state.welcome.language, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    } catch (e) { return iso; }
  }
  transcriptButton.addEventListener("click", function () {
    var email = (state.identity && state.identity.email) || window.prompt(t("email")) || "";
    if (email) send({ type: "transcript", email: email });
  });

  /* ---- the socket ---- */
  function connect() {
    var url = base.replace(/^http/, "ws") + "/ws/chat/?w=" + encodeURIComponent(workspace) +
      "&t=" + encodeURIComponent(state.token) + "&lang=" + encodeURIComponent(language) + "&after=" + state.lastId;
    var socket = new WebSocket(url);
    state.socket = socket;
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      handle(frame);
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) return;
      state.socket = null;
      if (event.code === 4403 || event.code === 4404) return;
      if (state.welcome) status.textContent = t("reconnecting");
      var delay = Math.min(15000, 1000 * Math.pow(2, state.retry++));
      setTimeout(connect, delay);
    };
  }
  function handle(frame) {
    if (frame.type === "welcome") {
      var first = !state.welcome;
      state.welcome = frame;
      state.token = frame.token;
      state.online = frame.online;
      state.retry = 0;
      save();
      label();
      if (first) {
        host.hidden = false;
        note(frame.greeting);
        if (wasOpen()) toggle(true, true);
        // Saved by a widget that did not count unread replies yet: what it showed was seen.
        if (saved.token && saved.readUpto === undefined) {
          frame.messages.forEach(function (m) { state.readUpto = Math.max(state.readUpto, m.id || 0); });
        }
      }
      frame.messages.forEach(show);
      state.outbox.forEach(showPending);
      flush();
      refreshMode();
    } else if (frame.type === "ack") {
      state.outbox = state.outbox.filter(function (item) { return item.client_id !== frame.client_id; });
      save();
      show(frame.message);
      if (state.left && !state.online && state.welcome.reply_by) {
        note(t("left") + gap() + t("reply_by", { time: when(state.welcome.reply_by) }));
        state.left = false;
      }
    } else if (frame.type === "message" || frame.type === "history") {
      (frame.messages || [frame.message]).forEach(show);
    } else if (frame.type === "typing") {
      typing.textContent = t("typing", { name: frame.name || state.welcome.name });
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(function () { typing.textContent = ""; }, 5000);
    } else if (frame.type === "read") {
      state.agentReadUpto = Math.max(state.agentReadUpto, frame.upto);
      seenMarker();
    } else if (frame.type === "queue") {
      var old = log.querySelector(".note.queue");
      if (old) old.remove();
      var text = t("queue", { position: frame.position }) + gap() +
        (frame.wait_minutes ? t("wait", { minutes: frame.wait_minutes }) : t("wait_unknown"));
      if (state.online) {
        note(text, "queue");
      } else if (!state.identity) {
        // Handed to a person while nobody is online: ask where to send the answer.
        buildForm("contact");
        form.hidden = false;
        compose.hidden = true;
      }
    } else if (frame.type === "agent") {
      // A person took the chat: say who (the queue note is no longer true), unless the bot's
      // hand-off has just named them.
      var waiting = log.querySelector(".note.queue");
      if (waiting) waiting.remove();
      if (frame.name !== state.agentNamed) {
        note(t("agent_joined", { name: frame.name }), "agent");
        log.lastChild.setAttribute("data-name", frame.name);
      }
      state.agentNamed = frame.name;
    } else if (frame.type === "transcript") {
      note(t("transcript_sent", { email: frame.email }));
    } else if (frame.type === "error" && frame.error === "too_long") {
      state.outbox = state.outbox.filter(function (item) { return item.client_id !== frame.client_id; });
      save();
      var refused = log.querySelector('.msg.pending[data-client-id="' + frame.client_id + '"]');
      if (refused) refused.remove();
      note(t("too_long", { count: (frame.limit || 0).toLocaleString(state.welcome.language) }), "error");
    } else if (frame.type === "error" && frame.error !== "rate" && frame.error !== "empty") {
      // A server's own words (already translated), or a code the widget has words for.
      note(state.welcome.strings[frame.error] || frame.error, "error");
    }
  }
  setInterval(function () { send({ type: "ping" }); }, 30000);
  // The network went away: close now (the browser may take minutes to notice) and come back
  // as soon as it returns; meanwhile messages wait in the outbox.
  window.addEventListener("offline", function () {
    var socket = state.socket;
    state.socket = null;
    if (socket) socket.close();
    if (state.welcome) status.textContent = t("reconnecting");
  });
  window.addEventListener("online", function () { if (!state.socket) { state.retry = 0; connect(); } });

  host.hidden = true;
  (document.body || document.documentElement).appendChild(host);
  window.LayanChat = { open: function () { toggle(true); }, close: function () { toggle(false); } };
  connect();
})();
