"""What a person sees, checked on any page state: the region is really visible (not a 1 px box), it has a
visible heading and content, nothing overflows the window sideways, no text is clipped to a few
characters, and axe-core finds no violation of any impact. Used by the route sweep
(test_route_sweep.py) and by any test that wants to assert a page is usable, not merely present."""
from harness import axe_violations

# A region smaller than this is not a page a person can read (the SR page once rendered into a
# 1x1 px screen-reader-only box and every existence check still passed).
MIN_WIDTH, MIN_HEIGHT = 120, 60
# Every impact counts: a page passes only with no axe violation at all.
IMPACTS = ("minor", "moderate", "serious", "critical")

LAYOUT_JS = r"""(selector) => {
  const root = document.querySelector(selector);
  if (!root) return {missing: true};
  const box = root.getBoundingClientRect();
  const out = {missing: false, width: box.width, height: box.height,
               overflow: document.documentElement.scrollWidth - window.innerWidth, clipped: []};
  const hidden = (el) => {
    const s = getComputedStyle(el);
    return s.visibility === 'hidden' || s.display === 'none' || el.offsetParent === null && s.position !== 'fixed';
  };
  const srOnly = (el) => {
    const r = el.getBoundingClientRect();
    return r.width <= 1 && r.height <= 1;
  };
  for (const el of root.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.nodeValue).join('').trim();
    if (!own || hidden(el) || srOnly(el) || el.closest('[aria-hidden=true]')) continue;
    const s = getComputedStyle(el);
    const cut = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
    if (cut && el.scrollWidth > el.clientWidth + 1) {
      const shown = el.clientWidth / el.scrollWidth;
      const em = parseFloat(s.fontSize) || 16;
      if (shown < 0.5 || el.clientWidth < 4 * em) out.clipped.push(own.slice(0, 40) + ' (' + Math.round(el.clientWidth) + ' of ' + el.scrollWidth + ' px)');
    }
  }
  /* A word of letters split across two lines ("NFS storag / e") is broken mid-word; long tokens (uuids,
     addresses) may break. */
  out.broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && out.broken.length < 5; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || hidden(el) || srOnly(el) || el.closest('code, pre, [aria-hidden=true]')) continue;
    const re = /\p{L}{3,}/gu;
    let m;
    while ((m = re.exec(node.nodeValue)) && out.broken.length < 5) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (tops.size > 1) out.broken.push(m[0]);
    }
  }
  return out;
}"""


def clipped(page, region, name):
    """Text clipped to a few characters anywhere in `region` (the top bar, say)."""
    layout = page.evaluate(LAYOUT_JS, region)
    return [] if layout["missing"] else ["%s: text clipped: %s" % (name, clip) for clip in layout["clipped"]]


def problems(page, region, heading, name):
    """Every way the `region` (a CSS selector) fails a reader; `heading` is a locator that must show."""
    found = []
    layout = page.evaluate(LAYOUT_JS, region)
    if layout["missing"]:
        return ["%s: no %s" % (name, region)]
    if layout["width"] < MIN_WIDTH or layout["height"] < MIN_HEIGHT:
        found.append("%s: %s is %dx%d px, too small to read" % (name, region, layout["width"], layout["height"]))
    if not heading.is_visible():
        found.append("%s: no visible heading" % name)
    text = page.locator(region).inner_text().strip()
    if len(text) < 20:
        found.append("%s: almost no content (%r)" % (name, text))
    if layout["overflow"] > 1:
        found.append("%s: the page overflows the window sideways by %d px" % (name, layout["overflow"]))
    found.extend("%s: text clipped: %s" % (name, clip) for clip in layout["clipped"])
    found.extend("%s: a word broken across lines: %s" % (name, word) for word in layout["broken"])
    violations = [v for v in axe_violations(page, keep=3) if v[1] in IMPACTS]
    found.extend("%s: axe %s (%s) at %s" % (name, rule, impact, targets) for rule, impact, targets in violations)
    return found


# Any element whose transition or animation would run for some time (the durations are lists, "0s, 0.15s").
MOVING_JS = r"""() => {
  const long = (v) => v.split(",").some((d) => parseFloat(d) > 0);
  const out = [];
  for (const el of document.querySelectorAll("*")) {
    const s = getComputedStyle(el);
    const anim = s.animationName !== "none" && long(s.animationDuration);
    const trans = s.transitionProperty !== "none" && long(s.transitionDuration);
    if (anim || trans) out.push((el.id ? "#" + el.id : el.tagName.toLowerCase() + "." + (el.getAttribute("class") || "").split(" ")[0])
                                + (anim ? " animation " + s.animationDuration : " transition " + s.transitionDuration));
    if (out.length >= 5) break;
  }
  return out;
}"""


def moving(page, name):
    """What would still move on the page (under prefers-reduced-motion: reduce nothing should)."""
    return ["%s: %s" % (name, what) for what in page.evaluate(MOVING_JS)]


# The kinds of controls whose colours change with their state, and the states to put them in.
STATEFUL = ("#xl-main .xl-button:not(.xl-quiet)", "#xl-main .xl-quiet", "#xl-main a[href]", "#xl-main .xl-table-wrap tbody tr",
            "#xl-main .xl-tab", "#xl-main .xl-sort", "#xl-main [aria-disabled=true]", "#xl-nav .xl-tree-row",
            "#xl-nav a", "#xl-top .xl-quiet", "#xl-top a.xl-tasks", "#xl-main .xl-pick")
# axe's color-contrast, plus the ratio computed here for text axe leaves undecided as too short to judge
# (the running-tasks count "1"): its colour against the first opaque background behind it.
CONTRAST_JS = r"""(el) => {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                       return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const own = () => {
    let bg = null;
    for (let n = el; n && !bg; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length === 3 || c[3] === 1) bg = c; }
    const s = getComputedStyle(el), fg = rgb(s.color), a = lum(fg), b = lum(bg || [255, 255, 255]);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
    return ratio < (large ? 3 : 4.5) ? ["own text: contrast " + ratio.toFixed(2) + " (" + s.color + " on " + (bg || "white") + ")"] : [];
  };
  return axe.run(el, {runOnly: ['color-contrast'], resultTypes: ['violations', 'incomplete']}).then((r) => {
    const bad = r.violations.flatMap((v) => v.nodes.map((n) => n.target.join(" ") + ": " + (n.any[0] || {}).message));
    const short = r.incomplete.some((v) => v.nodes.some((n) => n.target.length === 1 && n.any.some((a) => /too short/.test(a.message))));
    return bad.concat(short ? own() : []);
  });
}"""


def state_contrast(page, name):
    """axe's color-contrast on the first visible control of each STATEFUL kind while hovered and while
    focused (refused controls are among the kinds), each state checked alone."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        axe_violations(page, "body", 0)  # loads axe once per document
    found = []
    for selector in STATEFUL:
        target = page.locator(selector).locator("visible=true").first
        if not target.count():
            continue
        for how in ("hover", "focus"):
            if how == "hover":
                target.hover(timeout=3000)
            else:
                page.mouse.move(0, 0)
                target.focus()
            page.wait_for_timeout(30)
            for problem in target.evaluate(CONTRAST_JS):
                found.append("%s: %s %s: %s" % (name, selector, how, problem))
        page.mouse.move(0, 0)
    return found
