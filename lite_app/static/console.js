/* xcplite console: our small wrapper around noVNC's RFB client (vendored from npm, loaded on first use).
   Added by lite_app/browser.py as a checked module script; sets window.xcplite.console:
   - connect(elementId, url, callback): one connection at a time (a new one ends the previous one). The
     socket offers the subprotocol "binary" (XAPI answers nothing else). callback(json) receives
     {"id", "event": "connect"|"disconnect"|"securityfailure"|"credentialsrequired"|"error", "clean", "detail"}.
   - attach(elementId): keep the screen inside that element (the page re-renders around it).
   - Ctrl+Alt+Shift on the screen moves the keyboard focus out of it (release() below).
   - disconnect(), ctrlAltDel(), setScale(on), fullscreen(elementId), focus(), typeText(text) -> keys sent,
     state() -> "idle"|"loading"|"connecting"|"connected".
   The build replaces NOVNC_TABLE with {"entry": rfb.js path, "integrity": {path: sha384}}: each of those
   modules is preloaded with its hash before rfb.js is imported, so each noVNC module is checked. */
var NOVNC = /*NOVNC_TABLE*/null;
var X = window.xcplite || (window.xcplite = {});
var BASE = new URL(".", import.meta.url).href;
var XK_RETURN = 0xff0d, XK_TAB = 0xff09, XK_BACKSPACE = 0xff08;
var loading = null;   /* promise of {RFB, keysyms} */
var rfb = null;       /* the current RFB object */
var current = 0;      /* id of the current connection; events of older ones are dropped */
var phase = "idle";
var scale = true;
var host = null;      /* our element holding noVNC's screen; moved into the page's placeholder */

function load() {
  if (loading) return loading;
  /* Each noVNC module is preloaded with its hash and awaited before rfb.js is imported, so the browser's
     module map holds the checked copies the imports get (no import map: the stub's Content-Security-Policy
     allows no inline script). The whole graph is fetched at once, within the boot deadline. */
  var waits = [], path;
  for (path in NOVNC.integrity) waits.push(preload(new URL(path, BASE).href, NOVNC.integrity[path], path));
  var all = Promise.all(waits);
  if (X.deadlined) all = X.deadlined(all, X.deadline || 2500, "the console's files");
  var entry = new URL(NOVNC.entry, BASE).href;
  var core = new URL(".", entry).href;
  loading = all.then(function () {
    return Promise.all([import(entry), import(core + "input/keysymdef.js"), import(core + "util/logging.js")]);
  }).then(function (mods) {
      /* Drops and refusals are reported through events and shown by the app; noVNC's own console
         errors for them would only be noise. */
      mods[2].initLogging("none");
      return { RFB: mods[0].default, keysyms: mods[1].default };
    });
  loading.catch(function (e) {
    loading = null;  /* a failed load may be retried */
    if (X.fallback) X.fallback("console: " + e.message);  /* from the CDN: start again from the host's copy */
  });
  return loading;
}

function preload(href, integrity, path) {
  return new Promise(function (resolve, reject) {
    var link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    link.integrity = integrity;
    link.crossOrigin = "anonymous";
    link.onload = resolve;
    link.onerror = function () { reject(new Error(path + " was refused (changed, missing or unreachable)")); };
    document.head.appendChild(link);
  });
}

function attach(elementId) {
  var el = document.getElementById(elementId);
  if (!host) {
    host = document.createElement("div");
    host.className = "xl-console-host";
  }
  if (el && host.parentNode !== el) el.appendChild(host);
  return !!el;
}

function report(callback, id, event, detail) {
  if (id !== current) return;
  var out = { id: id, event: event };
  for (var k in detail || {}) out[k] = detail[k];
  callback(JSON.stringify(out));
}

function disconnect() {
  current += 1;
  phase = "idle";
  if (rfb) {
    var old = rfb;
    rfb = null;
    try { old.disconnect(); } catch (e) { /* already closed */ }
  }
}

function wire(r, callback, id) {
  r.addEventListener("connect", function () {
    if (id === current) phase = "connected";
    report(callback, id, "connect", {});
  });
  r.addEventListener("disconnect", function (e) {
    if (id === current) { phase = "idle"; rfb = null; }
    report(callback, id, "disconnect", { clean: !!(e.detail && e.detail.clean) });
  });
  r.addEventListener("securityfailure", function (e) {
    report(callback, id, "securityfailure", { detail: String((e.detail && e.detail.reason) || "") });
  });
  r.addEventListener("credentialsrequired", function () {
    report(callback, id, "credentialsrequired", {});
  });
}

function connect(elementId, url, callback) {
  disconnect();
  attach(elementId);
  var id = current;
  phase = "loading";
  load().then(function (lib) {
    if (id !== current) return;
    phase = "connecting";
    var r = new lib.RFB(host, url, { shared: true, wsProtocols: ["binary"] });
    r.scaleViewport = scale;
    r.focusOnClick = true;
    r.background = "#282828";
    rfb = r;
    wire(r, callback, id);
  }).catch(function (e) {
    if (id === current) phase = "idle";
    report(callback, id, "error", { detail: String(e && e.message || e) });
  });
  return id;
}

/* noVNC has no paste: each character goes as a key press and release of its keysym (no scancode, so the
   server picks the key and any Shift itself). */
function typeText(text) {
  if (!rfb || phase !== "connected") return 0;
  var sent = 0, i, code, keysym;
  for (i = 0; i < text.length; i++) {
    code = text.codePointAt(i);
    if (code > 0xffff) i++;
    if (code === 13 && text.charCodeAt(i + 1) === 10) continue;  /* CRLF is one Enter */
    keysym = code === 10 || code === 13 ? XK_RETURN : code === 9 ? XK_TAB : code === 8 ? XK_BACKSPACE
      : code < 0x20 ? 0 : keysymOf(code);
    if (!keysym) continue;
    rfb.sendKey(keysym, null);
    sent++;
  }
  return sent;
}

var keysymdef = null;
function keysymOf(code) {
  return keysymdef ? keysymdef.lookup(code) : (code <= 0xff ? code : 0x01000000 | code);
}

function fullscreen(elementId) {
  var el = document.getElementById(elementId);
  if (!el || !el.requestFullscreen) return false;
  if (document.fullscreenElement) {
    document.exitFullscreen().catch(function () {});
    return false;
  }
  el.requestFullscreen().then(function () { if (rfb) rfb.focus(); }, function () {});
  return true;
}

/* The screen keeps every key for the VM, Tab included. Ctrl+Alt+Shift pressed together (a chord a VM
   rarely needs; lite_app/logic/keys.py CONSOLE_RELEASE) gives the keyboard back: the modifiers noVNC
   already sent are released, and focus moves to the next control after the screen. Listening in the
   capture phase on the document, the last key of the chord never reaches noVNC. */
var MODIFIERS = { Control: 1, Alt: 1, Shift: 1 };
var MODIFIER_KEYS = [[0xffe3, "ControlLeft"], [0xffe4, "ControlRight"], [0xffe9, "AltLeft"],
                     [0xffea, "AltRight"], [0xffe1, "ShiftLeft"], [0xffe2, "ShiftRight"]];
function release(ev) {
  if (!host || !host.contains(ev.target) || !(ev.ctrlKey && ev.altKey && ev.shiftKey) || MODIFIERS[ev.key] !== 1) return;
  ev.preventDefault();
  ev.stopImmediatePropagation();
  if (rfb && phase === "connected") {
    MODIFIER_KEYS.forEach(function (k) { rfb.sendKey(k[0], k[1], false); });
    rfb.viewOnly = true;  /* forgets the keys noVNC holds as down... */
    rfb.viewOnly = false;  /* ...and listens again */
  }
  var next = Array.prototype.filter.call(document.querySelectorAll(
    "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex='0']"),
    function (el) {
      return !host.contains(el) && el.offsetParent !== null &&
        (host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    })[0];
  if (next) next.focus(); else if (document.activeElement) document.activeElement.blur();
}
document.addEventListener("keydown", release, true);

X.console = {
  connect: function (elementId, url, callback) {
    var id = connect(elementId, url, callback);
    load().then(function (lib) { keysymdef = lib.keysyms; }, function () {});
    return id;
  },
  attach: attach,
  disconnect: disconnect,
  ctrlAltDel: function () { if (rfb && phase === "connected") { rfb.sendCtrlAltDel(); return true; } return false; },
  setScale: function (on) { scale = !!on; if (rfb) rfb.scaleViewport = scale; },
  fullscreen: fullscreen,
  focus: function () { if (rfb) rfb.focus(); },
  typeText: typeText,
  state: function () { return phase; },
};
