#!/usr/bin/env python3
"""App benchmark: from "Log in" to a usable page, and from an XAPI change to the DOM.

Builds the bundle, starts the CDN origin and simulated pools on loopback, and measures in Chromium:
- dashboard: "Log in" clicked -> pool dashboard filled (status figures, RAM and storage meters) on a
  12-VM pool;
- vm_list_<N>: "Log in" clicked on `#/vms` -> the VM list shows all N VMs (1,000 and 10,000 VMs on 8
  hosts; 20,000 VMs on 64 hosts);
- at 10,000 VMs, a keystroke in the search -> the frame showing the list's new count painted (taken in
  the page): four digits typed 2 s after the list showed (keystroke_ms; keystroke_polled_ms is the same
  keystrokes seen through Playwright's polling, a frame and a round trip later), and one typed as soon as
  it showed, while its search texts are still being made (first_keystroke_ms); then a VM page's first
  visit (its disks and NICs shown) and the interpreter's memory after it (first_vm_page), and the same
  for the page of the SR holding the most disks (its disks listed with their users: first_sr_page);
- change_to_dom: a VM renamed through JSON-RPC -> the new name in the VM list, over --changes changes.
Each login figure has a cold run (fresh context: empty HTTP cache) and warm runs (same context, cookies
cleared: cached bundle, new login). Times are taken in the page (performance.now() at the click, the
first animation frame after the condition holds). Prints JSON: median/min/max per figure, p50/p95 of the
change latency, and whether each target is met.

    .venv/bin/python bench/app.py --runs 5
"""
import json
import tempfile
import time
import urllib.request
from pathlib import Path

import click
from playwright.sync_api import sync_playwright

from common import CHROMIUM, LAUNCH_ARGS, signed_build, spread
from devserver import procs, stub
PASSWORD = "xcplite-bench"
TARGETS = {"dashboard_ms": 350, "vm_list_10000_ms": 1500, "vm_list_20000_ms": 3000, "change_to_dom_p50_ms": 50,
           "change_to_dom_p95_ms": 150, "first_navigation_ms": 150, "keystroke_10000_ms": 50,
           "memory_10000_mb": 60, "live_10000_p50_ms": 50, "live_10000_p95_ms": 150}
# Background changes per second on the 10,000-VM pool whose change latency is measured (live_10000).
ACTIVITY = 50
# The first visit of each page group after login (its code fetched meanwhile, when the browser was
# idle): ms from the hash change to the page's heading shown with no "Loading" status left.
GROUP_ROUTES = (("vms", "#/vms"), ("storage", "#/storage"), ("admin", "#/networks"), ("create", "#/new-vm"),
                ("python", "#/python"))
PAGE_SHOWN = """() => { const h = document.querySelector('#xl-main h1');
  return !!h && !document.querySelector('#xl-main .xl-page-loading, #xl-main [aria-busy=true]'); }"""

# Navigates to the hash given and returns the page's clock just before (a page's first visit starts there).
NAVIGATE = "r => { const t = performance.now(); location.hash = r; return t; }"


def list_filled(count):
    """JS condition: the VM list shows all `count` VMs."""
    return "(document.querySelector('.xl-count') || {}).textContent === '%d of %d VMs'" % (count, count)


# The dashboard is filled when the VM figure and the RAM and storage meters are there.
DASHBOARD_FILLED = ("(() => { const s = document.querySelector('[data-stat=vms-running]');"
                    " return !!s && / \\/ 12$/.test(s.textContent)"
                    " && document.querySelectorAll('[role=meter]').length >= 5; })()")
# (name, hosts, VMs, route, JS condition that the page is filled)
POOLS = (("dashboard", 3, 12, "", DASHBOARD_FILLED),
         ("vm_list_1000", 3, 1000, "#/vms", list_filled(1000)),
         ("vm_list_10000", 8, 10000, "#/vms", list_filled(10000)),
         ("vm_list_20000", 64, 20000, "#/vms", list_filled(20000)),
         ("live_10000", 8, 10000, "#/vms", list_filled(10000)))
# Stamps the click on "Log in" (capture phase: before the app sees it).
CLICK_MARK = """
document.addEventListener("keydown", function (ev) {
  if (ev.target && ev.target.matches && ev.target.matches("input[type=search]")) window.__key_ms = performance.now();
}, true);
document.addEventListener("click", function (ev) {
  if (ev.target && ev.target.closest && ev.target.closest("#xl-login-submit, button[type=submit]")) {
    window.__clicked_ms = performance.now();
  }
}, true);
"""


def stats(values):
    return dict(spread(values), n=len(values))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# Where the time from the click to the filled page goes (ms), from the app's performance marks and
# measures (lite_app/static/bridge.js, shell/transport.py, shell/controller.py) for the VM class:
# the click reaching Python, the login and event token, the host composing VM.get_all_records,
# its bytes arriving, JSON.parse and trim in JS, moving it into Python, the other classes still
# arriving after it, indexing the cache, showing the app, and rendering until the page is filled.
BREAKDOWN = """done => {
  const mark = n => { const e = performance.getEntriesByName(n, "mark"); return e.length ? e[e.length - 1].startTime : null; };
  const meas = n => { const e = performance.getEntriesByName(n, "measure"); return e.length ? e[e.length - 1] : null; };
  const m = "VM.get_all_records", wait = meas("xl-rpc-wait " + m), transfer = meas("xl-rpc-transfer " + m),
        trim = meas("xl-rpc-trim " + m), decode = meas("xl-decode " + m);
  const login = mark("xl-login"), fetched = mark("xl-fetched"), loaded = mark("xl-loaded"), shown = mark("xl-shown");
  if (!wait || !decode || login === null || fetched === null) return null;
  return {click_to_python: login - window.__clicked_ms, login_and_token: wait.startTime - login,
          host_composes: wait.duration, transfer: transfer.duration, parse_and_trim: trim.duration,
          into_python: decode.duration, other_classes: fetched - (decode.startTime + decode.duration),
          index: loaded - fetched, show_app: shown - loaded, first_render: done - shown};
}"""


def login_ms(page, url, filled):
    """Open `url`, log in; (ms from the click to the first frame where `filled` holds, breakdown)."""
    page.goto(url)
    page.locator("form[data-ready='1']").wait_for(timeout=60000)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # a function, not an expression: Playwright eval()s expressions, which the stub's policy refuses
    page.wait_for_function("() => " + filled, timeout=120000, polling="raf")
    done = page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
    return done - page.evaluate("window.__clicked_ms"), page.evaluate(BREAKDOWN, done)


def measure_logins(browser, url, filled, runs):
    """(cold ms, [warm ms], [warm breakdowns]): one fresh context, then warm runs with the cookies cleared."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    page = context.new_page()
    cold, _parts = login_ms(page, url, filled)
    warm, parts = [], []
    for _ in range(runs):
        context.clear_cookies()  # a new login, with the bundle in the HTTP cache
        page.goto("about:blank")
        took, split = login_ms(page, url, filled)
        warm.append(took)
        if split:
            parts.append(split)
    context.close()
    return cold, warm, parts


def median_parts(parts):
    """The median of each phase over the warm runs."""
    if not parts:
        return None
    return {key: round(spread([p[key] for p in parts])["median"], 1) for key in parts[0]}


# Before a keystroke: resolves window.__painted with the time the frame showing the list's new count
# was produced (the DOM changed -> the next animation frame -> the task after its paint).
ARM_PAINTED = """before => { window.__painted = new Promise((resolve) => {
  const seen = new MutationObserver(() => {
    const count = document.querySelector('.xl-count');
    if (!count || count.textContent === before) return;
    seen.disconnect();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
  });
  seen.observe(document.getElementById('xl-main'), {subtree: true, childList: true, characterData: true});
}); }"""


def keystrokes_ms(browser, url, count, digits="1234", settle_ms=2000):
    """For each of `digits` typed one after the other in the VM list's search (every digit narrows the
    list), `settle_ms` after the list was shown (2 s: the idle work after the first render, the search
    texts, is mostly done): (ms from the keydown to the frame showing the new count painted, taken in the
    page; ms to the next frame after Playwright's per-frame polling saw the count change, the figure this
    benchmark printed before, which adds the polling's frame and a protocol round trip)."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    page = context.new_page()
    try:
        login_ms(page, url, list_filled(count))
        if settle_ms:
            page.wait_for_timeout(settle_ms)
        box = page.locator("#xl-main input[type=search]").first
        box.focus()
        painted, polled = [], []
        for digit in digits:
            before = page.evaluate("() => document.querySelector('.xl-count').textContent")
            page.evaluate(ARM_PAINTED, before)
            page.keyboard.press(digit)
            page.wait_for_function("b => document.querySelector('.xl-count').textContent !== b", arg=before,
                                   timeout=30000, polling="raf")
            done = page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
            key = page.evaluate("window.__key_ms")
            polled.append(round(done - key, 1))
            painted.append(round(page.evaluate("window.__painted") - key, 1))
        return painted, polled
    finally:
        context.close()


def first_navigations(browser, url):
    """{group: ms} of the first visit of each page group, a few seconds after login (the idle prefetch)."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    page = context.new_page()
    try:
        login_ms(page, url, DASHBOARD_FILLED)
        page.wait_for_timeout(3000)  # what a person takes to look at the dashboard: the idle prefetch runs
        out = {}
        for group, route in GROUP_ROUTES:
            started = page.evaluate(NAVIGATE, route)
            page.wait_for_function(PAGE_SHOWN, timeout=30000, polling="raf")
            out[group] = round(page.evaluate("() => performance.now()") - started, 1)
            page.evaluate("() => { location.hash = '#/'; }")
            page.wait_for_function("() => " + DASHBOARD_FILLED, timeout=30000, polling="raf")
        return out
    finally:
        context.close()


def rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
    request = urllib.request.Request(url + "jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)["result"]


def is_guest(vm):
    return not (vm["is_a_template"] or vm["is_control_domain"] or vm["is_a_snapshot"])


def rename_latencies(page, url, count, prefix, timeout_ms):
    """ms from sending VM.set_name_label to the new name shown in the VM list, per change; the VM
    renamed is the first guest by ref, named `prefix` + a number (so it sorts where the test can see it)."""
    session = rpc(url, "session.login_with_password", "root", PASSWORD)
    vms = rpc(url, "VM.get_all_records", session)
    ref = sorted(r for r, vm in vms.items() if is_guest(vm))[0]
    original = vms[ref]["name_label"]
    found = ("name => { const a = [...document.querySelectorAll('tr.xl-row a')].find(x => x.textContent === name);"
             " if (a) { window.__seen = Date.now(); return true; } return false; }")
    out = []
    try:
        for i in range(count):
            name = "%s%03d" % (prefix, i)
            sent = time.time() * 1000
            rpc(url, "VM.set_name_label", session, ref, name)
            page.wait_for_function(found, arg=name, timeout=timeout_ms, polling="raf")
            out.append(page.evaluate("window.__seen") - sent)
    finally:
        rpc(url, "VM.set_name_label", session, ref, original)
        rpc(url, "session.logout", session)
    return out


def change_latencies(browser, url, count):
    """ms from sending VM.set_name_label to the new name shown in the VM list, per change."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    page = context.new_page()
    try:
        login_ms(page, url + "#/vms", list_filled(12))  # (time, breakdown) not needed here
        return rename_latencies(page, url, count, "bench-", 10000)
    finally:
        context.close()


# Keeps the WebAssembly memories the page instantiates (exported or imported), to read their size.
WASM_MEMORY = """(() => {
  const keep = (found) => { window.__wasm_memories = (window.__wasm_memories || []).concat(found); };
  const scan = (result, imports) => {
    const instance = result && (result.instance || result);
    const found = [];
    for (const value of Object.values((instance && instance.exports) || {})) if (value instanceof WebAssembly.Memory) found.push(value);
    for (const group of Object.values(imports || {})) for (const value of Object.values(group || {}))
      if (value instanceof WebAssembly.Memory) found.push(value);
    keep(found);
    return result;
  };
  const plain = WebAssembly.instantiate, streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiate = function (source, imports) { return plain.apply(this, arguments).then((r) => scan(r, imports)); };
  if (streaming) WebAssembly.instantiateStreaming = function (source, imports) {
    return streaming.apply(this, arguments).then((r) => scan(r, imports));
  };
})();"""
WASM_BYTES = "() => [...new Set(window.__wasm_memories || [])].reduce((sum, m) => sum + m.buffer.byteLength, 0)"


def memory_mb(browser, url, filled):
    """MB the page holds once the VM list is filled, after a garbage collection: the JS heap in use
    plus the interpreter's WebAssembly memory (outside the JS heap)."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    context.add_init_script(WASM_MEMORY)
    page = context.new_page()
    try:
        login_ms(page, url, filled)
        page.wait_for_timeout(2000)  # the idle work put off by the first render is done
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        wasm = page.evaluate(WASM_BYTES)
        return {"js_heap_mb": round(metrics["JSHeapUsedSize"] / 1e6, 1), "wasm_mb": round(wasm / 1e6, 1),
                "total_mb": round((metrics["JSHeapUsedSize"] + wasm) / 1e6, 1)}
    finally:
        context.close()


# A VM page shows its devices: a disks table and a NICs table, no card still loading.
VM_PAGE_FILLED = """() => { const main = document.getElementById('xl-main');
  return !!main.querySelector('h1') && main.querySelectorAll('table').length >= 2
    && !/Loading/.test(main.innerText) && !main.querySelector('[aria-busy=true]'); }"""


# An SR's page is filled when its disks card lists disks, each with its users (none "Loading").
SR_PAGE_FILLED = """() => { const main = document.getElementById('xl-main');
  return !!main.querySelector('h1') && !!main.querySelector('.xl-disks tbody tr')
    && !/Loading/.test(main.innerText) && !main.querySelector('[aria-busy=true]'); }"""


def vm_page(browser, url, filled):
    """The first visit of a VM page with disks and NICs once the VM list is shown (its code prefetched
    meanwhile): ms from the hash change to its disks and NICs shown, and the interpreter's memory then."""
    vms = records(url, "VM")
    uuid = sorted(vm["uuid"] for vm in vms.values() if vm["VBDs"] and vm["VIFs"] and is_guest(vm))[0]
    return first_visit(browser, url, filled, "#/vm/" + uuid, VM_PAGE_FILLED)


def sr_page(browser, url, filled):
    """The same for the page of the SR holding the most disks (its disks listed with their users)."""
    counts = {}
    for vdi in records(url, "VDI").values():
        counts[vdi["SR"]] = counts.get(vdi["SR"], 0) + 1
    srs = records(url, "SR")
    busiest = max(counts, key=lambda ref: (counts[ref], ref))
    return dict(first_visit(browser, url, filled, "#/sr/" + srs[busiest]["uuid"], SR_PAGE_FILLED),
                disks=counts[busiest])


def records(url, cls):
    session = rpc(url, "session.login_with_password", "root", PASSWORD)
    try:
        return rpc(url, cls + ".get_all_records", session)
    finally:
        rpc(url, "session.logout", session)


def first_visit(browser, url, filled, route, condition):
    """ms from the hash change to `route` to `condition`, once the VM list is shown and the pages' code
    prefetched, and the interpreter's memory (MB) then."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    context.add_init_script(WASM_MEMORY)
    page = context.new_page()
    try:
        login_ms(page, url + "#/vms", filled)
        page.wait_for_timeout(3000)  # the idle prefetch of the pages' code
        started = page.evaluate(NAVIGATE, route)
        page.wait_for_function(condition, timeout=120000, polling="raf")
        shown = page.evaluate("performance.now()")
        return {"ms": round(shown - started, 1), "wasm_mb": round(page.evaluate(WASM_BYTES) / 1e6, 1)}
    finally:
        context.close()


def live_latencies(browser, url, count):
    """ms from sending VM.set_name_label to the new name in the VM list (sorted by name, so the new
    name "0-live-…" is in the first screenful), on a pool whose simulator makes ACTIVITY other changes
    per second meanwhile."""
    context = browser.new_context()
    context.add_init_script(CLICK_MARK)
    page = context.new_page()
    try:
        login_ms(page, url + "#/vms", list_filled(10000))
        return rename_latencies(page, url, count, "0-live-", 60000)
    finally:
        context.close()


def latency_figures(latencies):
    return {"p50": round(percentile(latencies, 0.5), 1), "p95": round(percentile(latencies, 0.95), 1),
            "max": round(max(latencies), 1), "n": len(latencies)}


def start_cdn(tmp):
    dist = Path(tmp) / "dist"
    cdn = procs.cdn(dist)
    dist, keys = signed_build(tmp, cdn.url + "/")
    stub_file = Path(tmp) / "index.html"
    stub_file.write_text(stub.render(cdn.url + "/", keys=keys), encoding="utf-8")
    return cdn, dist, stub_file


def run_pool(browser, tmp, spec, runs, changes):
    name, hosts, vms, route, filled = spec
    cdn, dist, stub_file = tmp
    extra = ("--activity", str(ACTIVITY)) if name == "live_10000" else ()
    sim = procs.simulator(stub_file, dist, hosts=hosts, vms=vms, password=PASSWORD, extra=extra)
    try:
        if name == "live_10000":
            return {"hosts": hosts, "vms": vms, "activity_per_s": ACTIVITY,
                    "change_to_dom_ms": latency_figures(live_latencies(browser, sim.url + "/", changes or 30))}
        cold, warm, parts = measure_logins(browser, sim.url + "/" + route, filled, runs)
        result = {"hosts": hosts, "vms": vms, "cold_ms": round(cold, 1), "warm_ms": stats(warm),
                  "warm_breakdown_ms": median_parts(parts)}
        if name == "dashboard":
            result["first_navigation_ms"] = first_navigations(browser, sim.url + "/")
        if name == "vm_list_10000":
            painted, polled = keystrokes_ms(browser, sim.url + "/" + route, vms)
            result["keystroke_ms"], result["keystroke_polled_ms"] = stats(painted), stats(polled)
            # a search typed as soon as the list shows, while the search texts are still being made
            result["first_keystroke_ms"] = keystrokes_ms(browser, sim.url + "/" + route, vms, "1", 0)[0][0]
            result["memory"] = memory_mb(browser, sim.url + "/" + route, filled)
            result["first_vm_page"] = vm_page(browser, sim.url + "/", filled)
            result["first_sr_page"] = sr_page(browser, sim.url + "/", filled)
        if name == "dashboard" and changes:
            latencies = change_latencies(browser, sim.url + "/", changes)
            result["change_to_dom_ms"] = latency_figures(latencies)
        return result
    finally:
        sim.stop()


def verdict(report):
    dashboard = report.get("dashboard", {})
    firsts = list((dashboard.get("first_navigation_ms") or {}).values())
    figures = {"dashboard_ms": dashboard.get("warm_ms", {}).get("median"),
               "vm_list_10000_ms": report.get("vm_list_10000", {}).get("warm_ms", {}).get("median"),
               "vm_list_20000_ms": report.get("vm_list_20000", {}).get("warm_ms", {}).get("median"),
               "change_to_dom_p50_ms": dashboard.get("change_to_dom_ms", {}).get("p50"),
               "change_to_dom_p95_ms": dashboard.get("change_to_dom_ms", {}).get("p95"),
               "first_navigation_ms": max(firsts) if firsts else None,
               "keystroke_10000_ms": report.get("vm_list_10000", {}).get("keystroke_ms", {}).get("median"),
               "memory_10000_mb": report.get("vm_list_10000", {}).get("memory", {}).get("total_mb"),
               "live_10000_p50_ms": report.get("live_10000", {}).get("change_to_dom_ms", {}).get("p50"),
               "live_10000_p95_ms": report.get("live_10000", {}).get("change_to_dom_ms", {}).get("p95")}
    return {key: (value is not None and value <= TARGETS[key]) for key, value in figures.items()}


@click.command()
@click.option("--runs", default=5, show_default=True, help="Warm logins per pool (after one cold login).")
@click.option("--changes", default=30, show_default=True, help="VM renames timed from JSON-RPC to the DOM.")
@click.option("--skip-10000", is_flag=True, help="Leave out the pools of 10,000 VMs and more (their start takes a while).")
@click.option("--only", multiple=True,
              help="Measure only these pools (dashboard, vm_list_1000, vm_list_10000, vm_list_20000, live_10000).")
def main(runs, changes, skip_10000, only):
    """Measure login-to-page and change-to-DOM times of the app and print JSON figures."""
    report = {"targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="xcplite-bench-app-") as tmp:
        servers = start_cdn(tmp)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                for spec in POOLS:
                    if (spec[2] >= 10000 and skip_10000) or (only and spec[0] not in only):
                        continue
                    report[spec[0]] = run_pool(browser, servers, spec, runs, changes)
                browser.close()
        finally:
            servers[0].stop()
    report["meets_targets"] = verdict(report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
