"""Helpers of the keyboard tests: where focus is (role and accessible name, as a screen reader would say it),
moving it with Tab only, and a recorder of pointer use (a test that claims "keyboard only" proves it).

Playwright's keyboard "Enter" on a button makes the browser send a click with isTrusted true but
detail 0, so only pointer events and clicks with detail > 0 count as mouse use."""

# The focused element's role and accessible name, from the DOM (ARIA's rules, simplified to what the app uses).
FOCUSED_JS = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(body)";
  const implicit = {A: "link", BUTTON: "button", SELECT: "combobox", TEXTAREA: "textbox", SUMMARY: "button",
                    TR: "row", MAIN: "main", CANVAS: "canvas"};
  let role = el.getAttribute("role");
  if (!role && el.tagName === "INPUT") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    role = {checkbox: "checkbox", radio: "radio", search: "searchbox", number: "spinbutton", file: "button"}[type] || "textbox";
  }
  role = role || implicit[el.tagName] || el.tagName.toLowerCase();
  /* text as a name: what aria-hidden hides is not part of it (the required mark) */
  const text = (n) => n.nodeType === 3 ? n.nodeValue : (n.nodeType !== 1 || n.getAttribute("aria-hidden") === "true") ? ""
    : Array.from(n.childNodes).map(text).join("");
  const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
    .map(text).join(" ");
  let name = el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") ? byIds(el.getAttribute("aria-labelledby")) : "");
  if (!name && el.labels && el.labels.length) name = text(el.labels[0]);
  if (!name && el.closest("label")) name = text(el.closest("label"));
  const fromContent = ["button", "link", "row", "checkbox", "radio", "tab", "option", "menuitem", "switch", "treeitem"];
  if (!name && fromContent.indexOf(role) >= 0) name = text(el);
  if (!name) name = el.getAttribute("title") || el.getAttribute("placeholder") || "";
  return role + " " + JSON.stringify(name.replace(/\s+/g, " ").trim().slice(0, 80));
}"""

RECORD_POINTER_JS = r"""() => {
  if (window.__pointerUse) return;
  window.__pointerUse = [];
  for (const type of ["mousedown", "mouseup", "pointerdown", "pointerup", "click", "dblclick", "contextmenu"]) {
    document.addEventListener(type, (ev) => {
      if (!ev.isTrusted) return;
      if ((type === "click" || type === "dblclick") && ev.detail === 0) return;  /* Enter or Space on a control */
      window.__pointerUse.push(type + " on " + (ev.target && ev.target.tagName));
    }, true);
  }
}"""


def focused(page):
    """The focused element as "role \"name\""."""
    return page.evaluate(FOCUSED_JS)


def is_focused(locator):
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, limit=80, back=False):
    """Press Tab (Shift+Tab with `back`) until `locator` has focus; fails naming what was passed."""
    passed = []
    for _ in range(limit):
        if locator.count() and is_focused(locator.first):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
        passed.append(focused(page))
    raise AssertionError("Tab never reached %s; passed: %s" % (locator, passed))


def record_pointer(page):
    """Record every real pointer use from now on, this page and the pages it loads (see pointer_use)."""
    page.add_init_script("(%s)()" % RECORD_POINTER_JS)
    page.evaluate(RECORD_POINTER_JS)


def pointer_use(page):
    return page.evaluate("() => window.__pointerUse || []")
