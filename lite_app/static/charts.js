/* xcplite charts: our own small wrapper around uPlot (vendored from npm), loaded on the first stats view.
   - Elements with data-chart='{"unit": "%", "max": 100, "labels": [...], "data": [[t...], [v...], ...]}'
     (lite_app/ui/charts.py) get a uPlot chart in their shadow root: the app's renderer morphs light-DOM
     children only, so the drawing survives re-renders. A MutationObserver creates charts for new elements,
     updates them when the attribute changes and destroys them when the element leaves the page.
   - Colours come from CSS variables (--xl-chart-1..8, axes from the theme tokens): charts are drawn again
     when the theme changes. Units are humanised (%, KiB/MiB/GiB, B/s) on the axis and in the hover legend,
     which shows the newest values while the pointer is elsewhere. Charts follow their container's width.
   - X.stats.fetch(url, sameOrigin, timeoutMs, keepJson, rows, topJson): GET /rrd_updates and resolve to
     "1" + text, or "0" + JSON {kind, status, detail} (never rejects). The cookie goes only to the page's own
     origin. With keepJson (a list of data source names) only those columns and the newest `rows` rows are
     kept; with topJson {"n", "skip": [uuids]} only the n highest objects per kind by CPU and by RAM. A host
     running 1,250 VMs sends ~230 KB that MicroPython would take seconds to parse and rank; Python now
     parses a few dozen columns and ranks them with lite_app/logic/stats.py.
   uPlot and its stylesheet are loaded on the first chart, each checked against the sha384 baked in below. */
(function () {
  "use strict";
  var X = window.xcplite || (window.xcplite = {});
  if (X.stats) return;
  var ASSETS = /*XL_CHART_ASSETS*/null;
  var HEIGHT = 180, UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  var charts = new Map(), sheets = null, loading = null, pending = false;
  /* Byte axes step by powers of two of each unit (1, 2, 4 ... 512 KiB, 1 MiB ...), so ticks read 4 GiB, not 9.3. */
  var BINARY = [];
  UNITS.forEach(function (unit, k) {
    for (var m = 1; m < 1024; m *= 2) BINARY.push(m * Math.pow(1024, k));
  });

  var PALETTE = "--xl-chart-1:#2f5bea;--xl-chart-2:#c2410c;--xl-chart-3:#15803d;--xl-chart-4:#9333ea;" +
    "--xl-chart-5:#be123c;--xl-chart-6:#0e7490;--xl-chart-7:#a16207;--xl-chart-8:#4f46e5;";
  var DARK = "--xl-chart-1:#7c9cff;--xl-chart-2:#fb923c;--xl-chart-3:#4ade80;--xl-chart-4:#c084fc;" +
    "--xl-chart-5:#fb7185;--xl-chart-6:#22d3ee;--xl-chart-7:#facc15;--xl-chart-8:#a5b4fc;";
  var PAGE_CSS = ":root{" + PALETTE + "}:root[data-theme=dark]{" + DARK + "}" +
    "@media (prefers-color-scheme: dark){:root:not([data-theme=light]):not([data-theme=dark]){" + DARK + "}}" +
    ".xl-stats-head{display:flex;flex-wrap:wrap;align-items:center;gap:12px;margin-bottom:12px}" +
    ".xl-range{display:flex;flex-wrap:wrap;gap:4px;margin:0;padding:0;border:0}" +
    ".xl-range-option{display:inline-flex;align-items:center;gap:6px;padding:5px 10px;font-size:13px;" +
    "border:1px solid var(--xl-border);border-radius:999px;cursor:pointer;background:var(--xl-surface)}" +
    ".xl-range-option:has(input:checked){border-color:var(--xl-accent);background:var(--xl-accent-soft)}" +
    ".xl-range-option input{margin:0;accent-color:var(--xl-accent)}" +
    ".xl-chart{display:block;min-height:" + HEIGHT + "px}";
  var SHADOW_CSS = ":host{display:block;min-width:0}.uplot{width:100%;font-family:inherit}" +
    ".u-legend{font-size:12px;color:var(--xl-text);text-align:left;max-height:120px;overflow-y:auto}.u-legend .u-series>*{padding:2px 4px}" +
    ".u-legend th{font-weight:500}.u-value{font-variant-numeric:tabular-nums}" +
    ".u-hz .u-cursor-x{border-right:1px dashed var(--xl-muted)}";

  /* Numbers as lite_app/text/fmt.py writes them, in the language the chart's data names (spec.fmt:
     decimal separator, percent pattern, month names): one decimal unless whole or large. */
  var EN = { decimal: ".", percent: "{value}%", months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] };
  function num(v, loc) {
    var a = Math.abs(v);
    if (v === Math.round(v) || a >= 100) return String(Math.round(v));
    var text = v.toFixed(1);
    return text.slice(-2) === ".0" ? text.slice(0, -2) : text.replace(".", (loc || EN).decimal);
  }
  function human(v, unit, loc) {
    loc = loc || EN;
    if (v == null) return "\u2014";
    if (unit === "%") return loc.percent.replace("{value}", num(v, loc));
    if (unit === "B" || unit === "B/s") {
      var i = 0;
      while (Math.abs(v) >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
      return num(v, loc) + " " + UNITS[i] + (unit === "B/s" ? "/s" : "");
    }
    return v.toFixed(2).replace(".", loc.decimal);
  }
  function two(n) { return n < 10 ? "0" + n : String(n); }
  /* A time axis in 24-hour clock, days as "5 Jun" in the language's month names (uPlot's default is
     US English with am/pm). */
  function timeText(t, loc, withDay) {
    var d = new Date(t * 1000), clock = two(d.getHours()) + ":" + two(d.getMinutes());
    return withDay ? d.getDate() + " " + loc.months[d.getMonth()] + (withDay === 2 ? "" : " " + clock) : clock;
  }
  X.humanValue = human;

  function asset(name) { return new URL(ASSETS[name][0], X.booted || location.href).href; }
  function loadUplot() {
    if (loading) return loading;
    var script = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = asset("uplot"); s.integrity = ASSETS.uplot[1]; s.crossOrigin = "anonymous";
      s.onload = resolve; s.onerror = function () { reject(new Error("uPlot did not load")); };
      document.head.appendChild(s);
    });
    var css = fetch(asset("css"), { integrity: ASSETS.css[1], mode: "cors", credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); });
    loading = Promise.all([script, css]).then(function (got) {
      var vendor = new CSSStyleSheet(), own = new CSSStyleSheet();
      vendor.replaceSync(got[1]);
      own.replaceSync(SHADOW_CSS);
      sheets = [vendor, own];
      schedule();
    });
    if (X.deadlined) loading = X.deadlined(loading, X.deadline || 2500, "the chart files");
    loading.catch(function (e) {
      /* From the CDN the stub starts again from the host's copy; from the host's copy the app says so. */
      if (!(X.fallback && X.fallback("charts: " + e.message))) console.error("xcplite: charts: " + e.message);
    });
    return loading;
  }

  function color(css, name, fallback) { return css.getPropertyValue(name).trim() || fallback; }
  function lastIdx(u) {
    var d = u.data, i, s;
    for (i = d[0].length - 1; i >= 0; i--) for (s = 1; s < d.length; s++) if (d[s][i] != null) return i;
    return null;
  }
  function options(spec, el) {
    var loc = spec.fmt || EN;
    var css = getComputedStyle(el), fmt = function (u, v) { return human(v, spec.unit, loc); };
    var text = color(css, "--xl-muted", "#5b6478"), grid = color(css, "--xl-border", "#d9dee8");
    var series = [{ label: loc.time || "Time", value: function (u, t) { return t == null ? "\u2014" : timeText(t, loc, 1); } }];
    spec.labels.forEach(function (label, i) {
      series.push({ label: label, stroke: color(css, "--xl-chart-" + (i % 8 + 1), "#2f5bea"), width: 1.5,
                    value: fmt, points: { show: false } });
    });
    var axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    var yAxis = Object.assign({}, axis, { size: 76, values: function (u, splits) {
      return splits.map(function (v) { return human(v, spec.unit, loc); });
    } });
    var xAxis = Object.assign({}, axis, { values: function (u, splits, i, space, incr) {
      return splits.map(function (t) { return timeText(t, loc, incr >= 86400 ? 2 : 0); });
    } });
    if (spec.unit === "B" || spec.unit === "B/s") yAxis.incrs = BINARY;
    return {
      width: Math.max(el.clientWidth, 200), height: HEIGHT, series: series,
      scales: { y: { range: function (u, min, max) {
        var top = spec.max != null ? spec.max : (max > 0 ? max * 1.1 : 1);
        return [Math.min(0, min || 0), top];
      } } },
      axes: [xAxis, yAxis],
      legend: { live: true },
      hooks: { setCursor: [function (u) { if (u.cursor.idx == null) u.setLegend({ idx: lastIdx(u) }); }] }
    };
  }

  function mount(el, text) {
    var spec = JSON.parse(text), root = el.shadowRoot || el.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = sheets;
    root.replaceChildren();
    var box = document.createElement("div");
    root.appendChild(box);
    var u = new uPlot(options(spec, el), spec.data, box);
    u.setLegend({ idx: lastIdx(u) });
    /* A legend of many series scrolls: a keyboard must be able to reach it to scroll it. */
    var legend = box.querySelector(".u-legend");
    if (legend) legend.setAttribute("tabindex", "0");
    var resize = new ResizeObserver(function () {
      var width = Math.max(el.clientWidth, 200);
      if (width !== u.width) u.setSize({ width: width, height: HEIGHT });
    });
    resize.observe(el);
    charts.set(el, { u: u, text: text, labels: JSON.stringify(spec.labels), resize: resize });
  }
  function unmount(el) {
    var c = charts.get(el);
    if (!c) return;
    c.resize.disconnect();
    c.u.destroy();
    charts.delete(el);
  }
  function update(el, text) {
    var c = charts.get(el), spec = JSON.parse(text);
    if (JSON.stringify(spec.labels) !== c.labels) { unmount(el); mount(el, text); return; }
    c.text = text;
    c.u.setData(spec.data);
    c.u.setLegend({ idx: lastIdx(c.u) });
  }

  function sync() {
    pending = false;
    charts.forEach(function (c, el) { if (!el.isConnected) unmount(el); });
    var found = document.querySelectorAll("[data-chart]");
    if (!found.length) return;
    if (!sheets) { loadUplot(); return; }
    found.forEach(function (el) {
      var text = el.getAttribute("data-chart"), c = charts.get(el);
      try {
        if (!c) mount(el, text);
        else if (c.text !== text) update(el, text);
      } catch (e) { console.error("xcplite: chart failed: " + e.message); }
    });
  }
  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(sync); }
  }
  function redrawAll() {
    var all = [];
    charts.forEach(function (c, el) { all.push([el, c.text]); });
    all.forEach(function (pair) { unmount(pair[0]); mount(pair[0], pair[1]); });
  }

  /* The newest known value of column j in rows (newest first), or null. */
  function newest(data, j) {
    for (var i = 0; i < data.length; i++) {
      var v = parseFloat(data[i].values[j]);
      if (isFinite(v)) return v;
    }
    return null;
  }
  /* Top-5 candidates: per kind, the `n` objects with the highest CPU and the `n` with the most RAM in use,
     by the same figures as lite_app/logic/stats.py's top() (which ranks the survivors exactly, in Python). */
  function candidates(data, cols, n, skip) {
    var objects = {}, picked = {}, key;
    cols.forEach(function (c) {
      var o = objects[c.obj] || (objects[c.obj] = { kind: c.kind, uuid: c.uuid, v: {} });
      o.v[c.ds] = newest(data, c.j);
    });
    function ram(v) {
      if (v.memory_total_kib != null) return v.memory_free_kib != null ? (v.memory_total_kib - v.memory_free_kib) * 1024 : null;
      if (v.memory != null && v.memory_internal_free != null) return v.memory - v.memory_internal_free * 1024;
      return v.memory;
    }
    ["host", "vm"].forEach(function (kind) {
      var list = Object.keys(objects).map(function (k) { return objects[k]; })
        .filter(function (o) { return o.kind === kind && skip[o.uuid] !== 1; });
      [function (o) { return o.v.cpu_avg != null ? o.v.cpu_avg : o.v.cpu_usage; }, function (o) { return ram(o.v); }]
        .forEach(function (figure) {
          list.filter(function (o) { return figure(o) != null; })
            .sort(function (a, b) { return figure(b) - figure(a); }).slice(0, n)
            .forEach(function (o) { picked[o.kind + ":" + o.uuid] = 1; });
        });
    });
    return picked;
  }
  /* Keep the `keep` data sources of the top candidates and the newest `rows` rows. */
  function trim(doc, keep, rows, top) {
    var wanted = {}, cols = [], legend = doc.meta.legend, i, parts, picked;
    keep.forEach(function (name) { wanted[name] = 1; });
    for (i = 0; i < legend.length; i++) {
      parts = legend[i].split(":");
      if (parts.length === 4 && wanted[parts[3]] === 1) {
        cols.push({ j: i, kind: parts[1], uuid: parts[2], ds: parts[3], obj: parts[1] + ":" + parts[2] });
      }
    }
    doc.data = doc.data.slice(0, rows);
    if (top) {
      var skip = {};
      (top.skip || []).forEach(function (u) { skip[u] = 1; });
      picked = candidates(doc.data, cols, top.n, skip);
      cols = cols.filter(function (c) { return picked[c.obj] === 1; });
    }
    doc.meta.legend = cols.map(function (c) { return legend[c.j]; });
    doc.data = doc.data.map(function (row) {
      return { t: row.t, values: cols.map(function (c) { return row.values[c.j]; }) };
    });
    return JSON.stringify(doc);
  }
  /* The downloads on their way, so that the end of the session stops them before XAPI forgets it (a
     download still on its way then would be refused, and the browser would log the refusal). */
  var inFlight = new Set();
  function fetchStats(url, sameOrigin, timeoutMs, keepJson, rows, topJson) {
    var ctl = new AbortController(), timer = setTimeout(function () { ctl.abort(); }, timeoutMs);
    inFlight.add(ctl);
    return fetch(url, { signal: ctl.signal, mode: "cors", credentials: sameOrigin ? "same-origin" : "omit",
                        headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw { kind: "http", status: r.status };
        if (!keepJson) return r.text();
        return r.json().then(function (doc) {
          return trim(doc, JSON.parse(keepJson), rows, topJson ? JSON.parse(topJson) : null);
        });
      }, function (e) {
        throw { kind: ctl.ended ? "aborted" : ctl.signal.aborted ? "timeout" : "unreachable", status: 0, detail: String(e) };
      })
      .then(function (text) { return "1" + text; }, function (e) {
        return "0" + JSON.stringify(e && e.kind ? e : { kind: "protocol", status: 0, detail: String(e) });
      })
      .finally(function () { clearTimeout(timer); inFlight.delete(ctl); });
  }
  function abortAll() {
    inFlight.forEach(function (ctl) { ctl.ended = true; ctl.abort(); });
    inFlight.clear();
  }

  var style = document.createElement("style");
  style.id = "xl-charts-style";
  style.textContent = PAGE_CSS;
  document.head.appendChild(style);
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true, attributes: true,
                                                          attributeFilter: ["data-chart"] });
  new MutationObserver(redrawAll).observe(document.documentElement, { attributes: true,
                                                                     attributeFilter: ["data-theme"] });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redrawAll);
  X.stats = { fetch: fetchStats, abort: abortAll, count: function () { return charts.size; } };
  schedule();
})();
