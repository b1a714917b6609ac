"""The Python console page (`#/python`), drawn from a view the shell's console page builds.

Pure vdom: every output entry (printed text, values, tracebacks, XAPI names) is a text child, so the
renderer writes it with textContent and nothing from the pool or the user's code becomes markup. The
view (lite_app/shell/python_page.py `view`) is a dict:
  entries [[id, kind, text]], busy, confirm, pending ({"call"} or None), waiting ((call, percent) or None),
  draft, hint ([candidates] or None), snippets ([names]), snippet (chosen name), snip_name, snip_error
  (catalog key or None), targets ({"names": [...]} or None), preview ([call texts] or None).
"""
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

INPUT_ID = "xl-py-input"
OUTPUT_ID = "xl-py-output"
ALLOW_ID = "xl-py-allow"
NAMES_SHOWN = 8


def button(label, action, primary=False, disabled=False, **extra):
    attrs = {"type": "button", "class": "xl-button" + ("" if primary else " xl-quiet"), "data-action": action,
             "disabled": disabled, "aria-disabled": "true" if disabled else None}
    attrs.update(extra)
    return h("button", attrs, label)


def render(state, view):
    t = state.t
    return [h("div", {"class": "xl-page xl-page-python", "key": "python"},
              w.page_header("cpu", t("page.python"), t("python.subtitle")),
              selection_card(state, view),
              console_card(state, view),
              snippets_card(state, view))]


def toolbar(state, view):
    t = state.t
    busy = view["busy"]
    return h("div", {"class": "xl-py-bar", "role": "toolbar", "aria-label": t("python.toolbar")},
             button(t("python.run"), "python.run", primary=True, disabled=busy),
             button(t("python.stop"), "python.stop", disabled=not busy),
             button(t("python.clear"), "python.clear"),
             h("label", {"class": "xl-py-switch"},
               h("input", {"type": "checkbox", "role": "switch", "checked": view["confirm"],
                           "data-action": "python.confirm"}), t("python.confirm")))


def console_card(state, view):
    t = state.t
    return w.card("py-console", t("python.console"),
                  toolbar(state, view),
                  h("p", {"class": "xl-py-note"}, t("python.stop_note")),
                  output(state, view),
                  pending(state, view),
                  waiting(state, view),
                  input_area(state, view), icon="cpu", cls="xl-wide")


def output(state, view):
    t = state.t
    entries = view["entries"]
    lines = [h("div", {"class": "xl-py-" + kind, "key": "e%d" % serial}, text) for serial, kind, text in entries]
    if not lines:
        lines = [h("div", {"class": "xl-py-info", "key": "welcome"}, t("python.welcome"))]
    return h("div", {"id": OUTPUT_ID, "class": "xl-py-log", "role": "log", "aria-label": t("python.output"),
                     "tabindex": "0", "data-scroll-end": "1", "aria-busy": "true" if view["busy"] else None}, lines)


def pending(state, view):
    """The question asked before a call that changes the pool."""
    if not view["pending"]:
        return None
    t = state.t
    return h("div", {"class": "xl-py-confirm", "role": "group", "aria-labelledby": "xl-py-confirm-title",
                     "key": "py-confirm"},
             h("p", {"id": "xl-py-confirm-title", "class": "xl-py-confirm-title"}, t("python.confirm_title")),
             h("pre", {"class": "xl-py-call"}, view["pending"]["call"]),
             h("div", {"class": "xl-py-bar"},
               button(t("python.allow"), "python.allow", primary=True, id=ALLOW_ID),
               button(t("python.allow_all"), "python.allow_all"),
               button(t("python.refuse"), "python.refuse")))


def waiting(state, view):
    if not view["waiting"]:
        return None
    call, percent = view["waiting"]
    return h("div", {"class": "xl-py-task", "key": "py-task"}, h("p", None, state.t("python.task", call=call)),
             w.progress_bar(percent, state.t("python.task", call=call)))


def input_area(state, view):
    t = state.t
    hint = view["hint"]
    return h("div", {"class": "xl-py-input-wrap", "key": "py-input"},
             h("label", {"for": INPUT_ID, "class": "xl-py-label"}, t("python.input")),
             h("textarea", {"id": INPUT_ID, "class": "xl-py-input", "rows": "5", "spellcheck": "false",
                            "autocomplete": "off", "aria-describedby": "xl-py-keys", "data-action": "python.draft",
                            "value": view["draft"]}),
             h("p", {"id": "xl-py-keys", "class": "xl-py-note"}, t("python.keys")),
             h("p", {"class": "xl-py-hint", "aria-live": "polite"}, "  ".join(hint) if hint else ""))


def snippets_card(state, view):
    t = state.t
    options = [h("option", {"value": name, "selected": name == view["snippet"]}, name) for name in view["snippets"]]
    error = view["snip_error"]
    return w.card("py-snippets", t("python.snippets"),
                  h("div", {"class": "xl-py-snips"},
                    h("label", {"for": "xl-py-snippet", "class": "xl-py-label"}, t("python.snippet")),
                    h("select", {"id": "xl-py-snippet", "data-action": "python.snippet"}, options),
                    button(t("python.load"), "python.load"),
                    button(t("python.delete"), "python.delete", disabled=not view["deletable"])),
                  h("div", {"class": "xl-py-snips"},
                    h("label", {"for": "xl-py-name", "class": "xl-py-label"}, t("python.snip_name")),
                    h("input", {"id": "xl-py-name", "type": "text", "value": view["snip_name"],
                                "data-action": "python.snip_name", "autocomplete": "off",
                                "aria-invalid": "true" if error else None,
                                "aria-describedby": "xl-py-snip-error" if error else None}),
                    button(t("python.save"), "python.save")),
                  h("p", {"id": "xl-py-snip-error", "class": "xl-field-error", "role": "alert"}, t(error))
                  if error else None,
                  icon="star")


def selection_card(state, view):
    """Run a snippet on the VMs selected in the VM list, after a dry run listing its calls."""
    targets = view["targets"]
    if not targets:
        return None
    t = state.t
    names = targets["names"]
    shown = ", ".join(names[:NAMES_SHOWN]) + (" \u2026" if len(names) > NAMES_SHOWN else "")
    preview = view["preview"]
    body = [h("p", None, t("python.sel_text", count=len(names), names=shown)),
            h("div", {"class": "xl-py-bar"},
              button(t("python.preview"), "python.preview", disabled=view["busy"]),
              button(t("python.run_sel"), "python.run_selection", primary=True,
                     disabled=view["busy"] or preview is None),
              button(t("python.sel_cancel"), "python.cancel_selection"))]
    if preview is not None:
        body.append(h("p", None, t("python.preview_none") if not preview
                      else t("python.preview_calls", count=len(preview))))
        if preview:
            body.append(h("ol", {"class": "xl-py-calls", "aria-label": t("python.preview_list")},
                          [h("li", None, h("code", None, call)) for call in preview]))
    return w.card("py-selection", t("python.sel_title", snippet=view["snippet"]), body, icon="vm", cls="xl-wide")
