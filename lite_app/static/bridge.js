/* xcplite browser bridge: the few things the Python app does faster or safer in JS.
   - render(target, json): morph an element's children to a virtual DOM (see lite_app/ui/vdom.py).
     Text goes through textContent and only allow-listed attributes are set: no markup from data.
   - delegate(callback): one listener per event type; elements with data-action report to Python.
   - rpc(url, body, timeoutMs, fields): POST JSON-RPC, parse with the browser's JSON.parse and, for
     get_all_records replies, keep only the fields the views use before handing text to Python;
     rpcText() is the same for Python: it resolves to a tagged string instead of rejecting.
   - scroll events of data-action elements are delegated too, once per frame, with [scrollTop, clientHeight].
   Our own code (not a vendored library); loaded before Python starts. */
(function () {
  "use strict";
  var X = window.xcplite || (window.xcplite = {});
  var SVG = "http://www.w3.org/2000/svg";
  var SVG_TAGS = { svg: 1, path: 1, circle: 1, rect: 1, g: 1, polyline: 1, line: 1, text: 1 };
  var ALLOWED = {};
  ("id class href title role type name value placeholder accept for tabindex disabled checked selected " +
   "hidden min max step colspan rowspan scope autocomplete spellcheck key style width height open " +
   "target rel multiple required viewBox d fill stroke cx cy r x y points rows lang").split(" ")
    .forEach(function (a) { ALLOWED[a] = 1; });
  var PROPS = { value: 1, checked: 1, selected: 1, disabled: 1 };

  function allowed(name) {
    return ALLOWED[name] === 1 || name.indexOf("aria-") === 0 || name.indexOf("data-") === 0;
  }
  function safeHref(v) {
    var low = String(v).trim().toLowerCase();
    return /^(#|\/|https?:|mailto:)/.test(low) || low.indexOf(":") < 0;
  }
  function setAttrs(el, attrs) {
    var i, name, old = el.attributes;
    for (i = old.length - 1; i >= 0; i--) {
      name = old[i].name;
      if (!(name in attrs)) el.removeAttribute(name);
    }
    for (name in PROPS) {
      if (name !== "value" && name in el && !(name in attrs) && el[name]) el[name] = false;
    }
    for (name in attrs) {
      if (!allowed(name) || (name === "href" && !safeHref(attrs[name]))) continue;
      if (name === "value") {
        /* Never overwrite what the user is typing. */
        if ("value" in el && document.activeElement !== el && el.value !== attrs[name]) el.value = attrs[name];
      } else if (PROPS[name] === 1 && name in el) {
        el[name] = true;
      }
      if (el.getAttribute(name) !== attrs[name]) el.setAttribute(name, attrs[name]);
    }
  }
  /* Text holding right-to-left script or bidi controls is isolated (FSI ... PDI), so a name from XAPI cannot
     reorder what follows it (U+202E would reverse the rest of the line). */
  var BIDI = /[\u0590-\u08FF\u200E\u200F\u202A-\u202E\u2066-\u2069\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  var ISOLATES = /\u2068[^\u2068\u2069]*\u2069/g;  /* parts the catalog already isolated */
  function isolated(text) {
    return BIDI.test(text.replace(ISOLATES, "")) ? "\u2068" + text + "\u2069" : text;
  }
  function create(v, inSvg) {
    if (typeof v === "string") return document.createTextNode(isolated(v));
    var tag = v[0], svg = inSvg || SVG_TAGS[tag] === 1;
    var el = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
    setAttrs(el, v[1]);
    for (var i = 0; i < v[2].length; i++) el.appendChild(create(v[2][i], svg && tag !== "foreignObject"));
    return el;
  }
  function same(node, v) {
    if (typeof v === "string") return node.nodeType === 3;
    if (node.nodeType !== 1 || node.localName !== v[0]) return false;
    var key = v[1].key;
    return key === undefined || node.getAttribute("key") === key;
  }
  /* Stricter than same(): also the class, to recognise a sibling that only moved one place. */
  function alike(node, v) {
    return !!node && v !== undefined && same(node, v) &&
      (typeof v === "string" || node.getAttribute("class") === (v[1]["class"] === undefined ? null : v[1]["class"]));
  }
  function keyOf(v) { return typeof v === "string" ? undefined : v[1].key; }
  /* Keyed children keep their identity: an element whose key is still wanted is found wherever it is and
     reused (moved only if it is out of place), one whose key is gone is removed. So a focused button
     never turns into another action when the buttons around it change. Unkeyed children are matched by
     position, with a one-place shift for an optional element that appeared or vanished. */
  function morph(parent, kids) {
    var i, node, v, key, existing = parent.childNodes, keyed = {}, wanted = {};
    for (i = 0; i < existing.length; i++) {
      key = existing[i].nodeType === 1 ? existing[i].getAttribute("key") : null;
      if (key !== null) keyed[key] = existing[i];
    }
    for (i = 0; i < kids.length; i++) { key = keyOf(kids[i]); if (key !== undefined) wanted[key] = true; }
    for (key in keyed) if (!wanted[key]) { parent.removeChild(keyed[key]); delete keyed[key]; }
    for (i = 0; i < kids.length; i++) {
      v = kids[i];
      node = existing[i];
      key = keyOf(v);
      if (key !== undefined) {
        if (!keyed[key]) { parent.insertBefore(create(v, parent.namespaceURI === SVG), node || null); continue; }
        if (keyed[key] !== node) { parent.insertBefore(keyed[key], node || null); node = keyed[key]; }
        update(node, v);
        continue;
      }
      /* An unkeyed wanted element never takes over a keyed one that is wanted later. */
      if (node && node.nodeType === 1 && node.hasAttribute("key") && wanted[node.getAttribute("key")]) {
        parent.insertBefore(create(v, parent.namespaceURI === SVG), node);
        continue;
      }
      /* An optional element appeared or vanished before this one: insert or remove just it, so the
         siblings after it (an input being typed in, a button being clicked) are kept, not rebuilt. */
      if (node && !same(node, v) && alike(node, kids[i + 1])) {
        parent.insertBefore(create(v, parent.namespaceURI === SVG), node);
        continue;
      }
      if (node && !same(node, v) && alike(existing[i + 1], v)) {
        parent.removeChild(node);
        node = existing[i];
      }
      if (node && same(node, v)) update(node, v);
      else if (node) parent.replaceChild(create(v, parent.namespaceURI === SVG), node);
      else parent.appendChild(create(v, parent.namespaceURI === SVG));
    }
    while (existing.length > kids.length) parent.removeChild(parent.lastChild);
  }
  function update(node, v) {
    if (typeof v === "string") { v = isolated(v); if (node.nodeValue !== v) node.nodeValue = v; return; }
    setAttrs(node, v[1]);
    /* data-keep-children: the element's content belongs to JS (the console's noVNC screen). */
    if (!("keepChildren" in node.dataset)) morph(node, v[2]);
  }
  X.render = function (target, json) {
    var el = typeof target === "string" ? document.getElementById(target) : target;
    if (el) morph(el, JSON.parse(json));
    return !!el;
  };

  function payload(el, ev) {
    var data = {}, k, out = { action: el.getAttribute("data-action"), type: ev.type, data: data };
    for (k in el.dataset) data[k] = el.dataset[k];
    if ("value" in el) out.value = el.value;
    if (el.type === "checkbox" || el.type === "radio") out.checked = el.checked;
    /* A file input: the chosen files' names and sizes (the bytes stay in the browser: upload.js sends them). */
    if (el.type === "file") out.files = Array.prototype.map.call(el.files || [], function (f) { return { name: f.name, size: f.size }; });
    if (ev.shiftKey) out.shift = true;
    if (el.tagName === "FORM") {
      out.form = {};
      Array.prototype.forEach.call(el.elements, function (f) {
        if (!f.name || (f.type === "radio" && !f.checked)) return;
        out.form[f.name] = (f.type === "checkbox") ? (f.checked ? "1" : "") : f.value;
      });
    }
    return out;
  }
  var WANT = { click: { BUTTON: 1, A: 1, TR: 1, LI: 1, DIV: 1, SPAN: 1, TD: 1 },
               submit: { FORM: 1 }, change: { INPUT: 1, SELECT: 1, TEXTAREA: 1 }, input: { INPUT: 1, TEXTAREA: 1 },
               keydown: { INPUT: 1 } };
  /* Scroll events do not bubble, but a capturing listener on the document sees every element's: an element
     with data-action reports [scrollTop, clientHeight] at most once per animation frame. */
  function delegateScroll(callback) {
    var pending = null;
    document.addEventListener("scroll", function (ev) {
      var el = ev.target;
      if (!el || !el.getAttribute || !el.hasAttribute("data-action")) return;
      if (pending === el) return;
      pending = el;
      requestAnimationFrame(function () {
        pending = null;
        var out = payload(el, { type: "scroll" });
        out.scroll = [el.scrollTop, el.clientHeight];
        delete out.value;
        callback(JSON.stringify(out));
      });
    }, { capture: true, passive: true });
  }
  /* data-keys elements report those keys (default prevented); other printable keys outside fields, the
     console and dialogs are shortcuts ("shell.key", lite_app/logic/keys.py). */
  function typing(el) {
    return !!el.closest && !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable=true], [role=application]");
  }
  function delegateKeys(callback) {
    document.addEventListener("keydown", function (ev) {
      var t = ev.target, el, name = ev.key === " " ? "Space" : ev.key;
      if (ev.defaultPrevented || ev.ctrlKey || ev.altKey || ev.metaKey || !t || !t.closest) return;
      el = t.closest("[data-keys][data-action]");
      if (el && !typing(t) && (" " + el.getAttribute("data-keys") + " ").indexOf(" " + name + " ") >= 0) {
        ev.preventDefault();
        var out = payload(el, ev);
        out.type = "key"; out.key = name; delete out.value;
        callback(JSON.stringify(out));
        return;
      }
      if (ev.key.length !== 1 || ev.key === " " || ev.repeat || typing(t) || modal.el) return;
      ev.preventDefault();
      callback(JSON.stringify({ action: "shell.key", type: "key", key: ev.key, data: {} }));
    });
  }
  X.delegate = function (callback) {
    delegateScroll(callback);
    /* Escape outside an input of ours closes whatever the shell has open (the navigation drawer). */
    document.addEventListener("keydown", function (ev) {
      var el = ev.target && ev.target.closest ? ev.target.closest("[data-action]") : null;
      if (ev.key === "Escape" && !(el && el.tagName === "INPUT")) {
        callback(JSON.stringify({ action: "shell.escape", type: "keydown", data: {} }));
      }
    });
    delegateKeys(callback);
    Object.keys(WANT).forEach(function (type) {
      document.addEventListener(type, function (ev) {
        var el = ev.target && ev.target.closest ? ev.target.closest("[data-action]") : null;
        if (!el || WANT[type][el.tagName] !== 1) return;
        if (type === "click" && (el.tagName === "INPUT" || el.tagName === "SELECT")) return;
        if (type === "keydown" && ev.key !== "Escape" && ev.key !== "Enter") return;
        if (type === "submit" || (type === "click" && el.tagName === "A")) ev.preventDefault();
        callback(JSON.stringify(payload(el, ev)));
      }, type === "submit");
    });
  };

  /* event.from's events, each snapshot kept to its class's fields (as the records were loaded), except the
     records Python holds whole (spec.whole: refs it read with get_record). A live pool's events would
     otherwise bring every field of every record changed: at 10,000 VMs a host's resident_VMs alone is
     thousands of refs per event, all garbage for MicroPython to parse and collect. */
  function projectEvents(result, spec) {
    var events = result && result.events, whole = {}, i, ev, fields;
    if (!events || !events.length) return result;
    for (i = 0; i < spec.whole.length; i++) whole[spec.whole[i]] = 1;
    for (i = 0; i < events.length; i++) {
      ev = events[i];
      fields = spec.fields[String(ev["class"]).toLowerCase()];
      if (fields && ev.snapshot && typeof ev.snapshot === "object" && whole[ev.ref] !== 1) ev.snapshot = pick(ev.snapshot, fields);
    }
    return result;
  }
  function pick(rec, fields) {
    var small = {}, i;
    for (i = 0; i < fields.length; i++) if (fields[i] in rec) small[fields[i]] = rec[fields[i]];
    return small;
  }
  /* A get_all_records result kept to `fields`, in columns: [fields, refs, rows, others], each row the
     values of `fields` in order; a record lacking one of them goes whole into `others` ({ref: record}).
     The field names are not repeated per record, so the text crossing into Python is about half, and
     Python builds each record with its size known (lite_app/shell/transport.py expand). */
  function project(result, fields) {
    var refs = [], rows = [], others = {}, ref, rec, row, i, whole;
    for (ref in result) {
      rec = result[ref]; row = new Array(fields.length); whole = true;
      for (i = 0; i < fields.length; i++) {
        if (!(fields[i] in rec)) { whole = false; break; }
        row[i] = rec[fields[i]];
      }
      if (whole) { refs.push(ref); rows.push(row); } else { others[ref] = pick(rec, fields); }
    }
    return [fields, refs, rows, others];
  }
  /* Where a big reply's time goes, as performance measures named "xl-rpc-<phase> <method>" that bench/app.py
     reads: wait (the host composing it), transfer (its bytes arriving), trim (JSON.parse, projection, text). */
  function timings(body, t0, t1, t2) {
    var method = "";
    try { method = JSON.parse(body).method || ""; } catch (e) { /* not JSON: no name */ }
    var t3 = performance.now();
    performance.measure("xl-rpc-wait " + method, { start: t0, end: t1 });
    performance.measure("xl-rpc-transfer " + method, { start: t1, end: t2 });
    performance.measure("xl-rpc-trim " + method, { start: t2, end: t3 });
  }
  X.measure = function (name, start) { performance.measure(name, { start: start, end: performance.now() }); };
  /* Resolves to the reply text; rejects with {kind: "timeout"|"unreachable"|"http", status}. */
  X.rpc = function (url, body, timeoutMs, fieldsJson) {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, timeoutMs);
    var t0 = performance.now();
    return fetch(url, { method: "POST", body: body, signal: ctl.signal, credentials: "same-origin",
                        headers: { "Content-Type": "application/json" } })
      .then(function (r) {
        if (!r.ok) throw { kind: "http", status: r.status };
        if (!fieldsJson) return r.text();
        var t1 = performance.now();
        return r.text().then(function (text) {
          var t2 = performance.now(), reply = JSON.parse(text), spec = JSON.parse(fieldsJson), out;
          if (reply && reply.result && typeof reply.result === "object") {
            reply.result = Array.isArray(spec) ? project(reply.result, spec) : projectEvents(reply.result, spec);
          }
          out = JSON.stringify(reply);
          if (Array.isArray(spec)) timings(body, t0, t1, t2);  /* big loads only: events would fill the timeline */
          return out;
        });
      }, function (e) {
        throw { kind: ctl.signal.aborted ? "timeout" : "unreachable", status: 0, detail: String(e) };
      })
      .finally(function () { clearTimeout(timer); });
  };

  /* rpc() for Python: never rejects (a rejected promise surfaces in MicroPython as an opaque JsException),
     resolves to "1" + reply text, or "0" + JSON {kind, status, detail}. Only a string crosses into wasm. */
  X.rpcText = function (url, body, timeoutMs, fieldsJson) {
    return X.rpc(url, body, timeoutMs, fieldsJson).then(function (text) { return "1" + text; }, function (e) {
      var err = (e && e.kind) ? e : { kind: "protocol", status: 0, detail: String(e) };
      return "0" + JSON.stringify(err);
    });
  };

  /* PUT a body (hex from Python) to a path of this origin, the session in the cookie as XAPI's handlers
     read it: resolves "1" when the host took it, else "0" + JSON {kind, status, detail} (never rejects). */
  X.putBytes = function (path, hex, timeoutMs) {
    var ctl = new AbortController(), timer = setTimeout(function () { ctl.abort(); }, timeoutMs);
    var body = Uint8Array.fromHex ? Uint8Array.fromHex(hex) : fromHex(hex);
    return fetch(path, { method: "PUT", body: body, signal: ctl.signal, credentials: "same-origin",
                         headers: { "Content-Type": "application/octet-stream" } })
      .then(function (r) {
        return r.text().then(function () {
          return r.ok ? "1" : "0" + JSON.stringify({ kind: "http", status: r.status, detail: "" });
        });
      }, function (e) {
        return "0" + JSON.stringify({ kind: ctl.signal.aborted ? "timeout" : "unreachable", status: 0, detail: String(e) });
      })
      .finally(function () { clearTimeout(timer); });
  };

  function fromHex(hex) {
    var out = new Uint8Array(hex.length / 2), i;
    for (i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }

  /* A promise resolved by the next macrotask: awaiting it really hands the thread back to the browser
     (MicroPython's asyncio.sleep(0) runs the next Python task at once, so nothing would paint meanwhile). */
  /* Seconds since the epoch as a float (MicroPython's FFI would truncate Date.now()'s integer). */
  X.epochSeconds = function () { return Date.now() / 1000; };
  X.idle = function () { return new Promise(function (resolve) { setTimeout(resolve, 0); }); };
  /* Resolved in the task after the next frame: what runs then cannot hold back that frame's paint. */
  X.afterPaint = function () {
    return new Promise(function (resolve) { requestAnimationFrame(function () { setTimeout(resolve, 0); }); });
  };

  /* Modal dialogs (lite_app/ui/dialogs.py): after each render, a newly shown [aria-modal] dialog makes the
     rest of the app inert and takes focus (its [data-autofocus] field, else its first control); Tab cycles
     inside it; Escape presses its [data-dialog-cancel] button; when it goes, focus returns to the control
     that opened it. */
  var modal = { el: null, opener: null, like: null };
  /* What identifies a control a re-render may have replaced. */
  function likeness(el) {
    if (!el || !el.getAttribute || el === document.body) return null;
    var attrs = ["id", "data-action", "data-ref", "data-op", "data-id", "data-column", "key", "href", "aria-label"];
    var out = [];
    attrs.forEach(function (a) { var v = el.getAttribute(a); if (v !== null) out.push([a, v]); });
    return out.length ? { tag: el.localName, attrs: out, text: el.textContent } : null;
  }
  function findLike(like) {
    if (!like) return null;
    var sel = like.tag + like.attrs.map(function (p) { return "[" + p[0] + "=\"" + CSS.escape(p[1]) + "\"]"; }).join("");
    var found = Array.prototype.filter.call(document.querySelectorAll(sel), function (el) { return el.offsetParent !== null; });
    return found.filter(function (el) { return el.textContent === like.text; })[0] || found[0] || null;
  }
  /* Focus back to the opener (or its replacement, or the page) once every region is rendered. */
  function giveBack(back, like) {
    queueMicrotask(function () {
      if (modal.el) return;
      var target = (back && back.isConnected && back.offsetParent !== null) ? back : findLike(like);
      if (!target) target = document.getElementById("xl-main");
      if (target) target.focus();
    });
  }
  function focusables(root) {
    return Array.prototype.filter.call(root.querySelectorAll(
      "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex='0']"),
      function (el) { return el.offsetParent !== null || el === document.activeElement; });
  }
  function setInert(dialog, on) {
    var app = document.getElementById("xl-app");
    if (!app) return;
    Array.prototype.forEach.call(app.children, function (child) {
      if (!child.contains(dialog)) { if (on) child.setAttribute("inert", ""); else child.removeAttribute("inert"); }
    });
  }
  function syncDialog() {
    var el = document.querySelector("[role=dialog][aria-modal=true]");
    if (el === modal.el) return;
    if (modal.el && !el) {
      setInert(modal.el, false);
      var back = modal.opener, like = modal.like;
      modal.el = modal.opener = modal.like = null;
      giveBack(back, like);
      return;
    }
    if (!modal.el) { modal.opener = document.activeElement; modal.like = likeness(modal.opener); }
    modal.el = el;
    setInert(el, true);
    var first = el.querySelector("[data-autofocus]") || focusables(el)[0] || el;
    if (first === el) el.setAttribute("tabindex", "-1");
    first.focus();
  }
  document.addEventListener("keydown", function (ev) {
    var el = modal.el;
    if (!el || !el.isConnected) return;
    if (ev.key === "Escape") {
      var cancel = el.querySelector("[data-dialog-cancel]");
      ev.preventDefault(); ev.stopPropagation();
      if (cancel) cancel.click();
    } else if (ev.key === "Tab") {
      var items = focusables(el), i = items.indexOf(document.activeElement);
      if (!items.length) return;
      if (ev.shiftKey && i <= 0) { ev.preventDefault(); items[items.length - 1].focus(); }
      else if (!ev.shiftKey && (i < 0 || i === items.length - 1)) { ev.preventDefault(); items[0].focus(); }
    }
  }, true);
  var renderRegion = X.render;
  X.render = function (target, json) {
    var done = renderRegion(target, json);
    syncDialog();
    return done;
  };

  X.frame = function (callback) { return requestAnimationFrame(function () { callback(); }); };
})();
