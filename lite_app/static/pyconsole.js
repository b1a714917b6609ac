/* xcplite Python console: the keys of the console's input and its datamodel file (loaded on first use).
   - Before the browser acts on Enter, Shift+Enter, Tab, Up/Down (on the first/last line) and Ctrl+C (with
     nothing selected) in #xl-py-input, the Python side decides (lite_app/shell/python_page.py on_key): it
     answers JSON {value, cursor} to put in the input, or "" to let the browser do its default.
   - The output log keeps its end in view while new entries arrive, unless the user scrolled up.
   - schema() fetches pyschema.json checked against the sha384 baked in at build time.
   Our own code; boot.js pins this file's hash (xcplite.lazy.pyconsole). */
(function () {
  "use strict";
  var X = window.xcplite || (window.xcplite = {});
  var ASSETS = /*XL_PYCONSOLE_ASSETS*/null;
  var INPUT = "xl-py-input", OUTPUT = "xl-py-output";
  var handler = null, schema = null;

  function lineOf(el, end) {
    var text = el.value, at = el.selectionStart;
    return end ? text.indexOf("\n", at) < 0 : text.lastIndexOf("\n", at - 1) < 0;
  }
  function kindOf(ev, el) {
    if (ev.altKey || ev.metaKey || ev.isComposing) return null;
    if (ev.key === "Enter" && !ev.ctrlKey) return ev.shiftKey ? "run" : "enter";
    if (ev.key === "Tab" && !ev.shiftKey && !ev.ctrlKey) return "tab";
    if (ev.key === "ArrowUp" && !ev.shiftKey && !ev.ctrlKey && lineOf(el, false)) return "up";
    if (ev.key === "ArrowDown" && !ev.shiftKey && !ev.ctrlKey && lineOf(el, true)) return "down";
    if ((ev.key === "c" || ev.key === "C") && ev.ctrlKey && el.selectionStart === el.selectionEnd) return "stop";
    return null;
  }
  function setInput(value, cursor) {
    var el = document.getElementById(INPUT);
    if (!el) return;
    el.value = value;
    el.setSelectionRange(cursor, cursor);
  }
  document.addEventListener("keydown", function (ev) {
    var el = ev.target, kind;
    if (!handler || !el || el.id !== INPUT) return;
    kind = kindOf(ev, el);
    if (!kind) return;
    var reply = handler(kind, el.value, el.selectionStart, el.selectionEnd);
    if (!reply) return;
    ev.preventDefault();
    var r = JSON.parse(reply);
    setInput(r.value, r.cursor);
  });

  /* Keep the newest output in view: after each change, scroll to the end if the log was at its end. */
  var atEnd = true;
  document.addEventListener("scroll", function (ev) {
    var el = ev.target;
    if (el && el.id === OUTPUT) atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
  }, { capture: true, passive: true });
  new MutationObserver(function () {
    var el = document.getElementById(OUTPUT);
    if (el && atEnd) el.scrollTop = el.scrollHeight;
  }).observe(document.body, { childList: true, subtree: true, characterData: true });

  X.pyconsole = {
    attach: function (fn) { handler = fn; },
    setInput: setInput,
    schema: function () {
      if (!schema) {
        var url = new URL(ASSETS.schema[0], X.booted || location.href).href;
        schema = fetch(url, { integrity: ASSETS.schema[1], mode: "cors", credentials: "omit" }).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status + " for " + r.url);
          return r.text();
        });
        schema.catch(function () { schema = null; });  /* tried again on the next use */
      }
      return schema;
    }
  };
})();
