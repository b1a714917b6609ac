"""Bulk actions in the VM list: a checkbox per row (shift-click selects a range), a header checkbox that
selects every VM the filters show, a toolbar for the selection, one confirmation, then a report of
what happened to each VM (done, failed with XAPI's sentence, code and params, or skipped and why).

The selection is lite_app.logic.vm_bulk.Selection, kept in state.ui for the visit. Checkboxes are buttons with
role="checkbox": a click event carries the shift key (a change event does not). Plans come from
lite_app.logic.vm_bulk; a bulk delete first fetches the whole records its plans read (vm_delete.gather), since
the list holds projected VM records and no disks.
"""
from lite_app.logic import memo, model
from lite_app.logic import vm_bulk as bulk
from lite_app.logic.vm_delete import gather
from lite_app.logic.vm_rules import vm_action_state
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui.vdom import h

SELECTION = "vmlist.selection"
PYTHON_TARGETS = "python.targets"  # read by lite_app/shell/python_page.py
BAR = ("start", "clean_shutdown", "hard_shutdown", "clean_reboot", "snapshot", "delete")
NAMES_SHOWN = 8
STATES = {"none": "false", "some": "mixed", "all": "true"}


def selection(state):
    """The visit's Selection, with deleted VMs dropped whenever the VM table changed."""
    found = state.ui.get(SELECTION)
    if found is None:
        found = state.ui[SELECTION] = [bulk.Selection(), None]
    version = (getattr(state, "versions", None) or {}).get("VM")
    if found[0].count() and version != found[1]:
        found[0].prune(state.cache.all("VM"))
    found[1] = version
    return found[0]


def box():
    return h("span", {"class": "xl-pick-box", "aria-hidden": "true"})


def header_state(state, refs):
    """"none", "some" or "all" of the shown rows selected; walking 10,000 rows costs MicroPython ~70 ms,
    so the answer is kept until the rows shown or the selection change (every scroll re-renders)."""
    chosen = selection(state)
    if not chosen.count() or not refs:
        return "none"
    key = (id(refs), len(refs), state.ui.get("vmlist.picks") or 0, chosen.count())
    return memo.keyed(state, "vmlist.pick_state", key, lambda: chosen.state(refs))


def picked(state):
    """Count a change of the selection (the header state's memo key)."""
    state.ui["vmlist.picks"] = (state.ui.get("vmlist.picks") or 0) + 1


def header_cell(state, refs):
    status = header_state(state, refs)
    return h("th", {"scope": "col", "class": "xl-col-pick"},
             h("button", {"type": "button", "role": "checkbox", "class": "xl-pick", "aria-checked": STATES[status],
                          "aria-label": state.t("bulk.select_all", count=len(refs)),
                          "data-action": "vmlist.pick_all"}, box()))


def row_cell(state, ref, vm, in_row=False):
    """A row's checkbox; `in_row`: the row itself takes Tab and Space (the VM list), so it is out of the Tab order."""
    on = selection(state).is_selected(ref)
    label = state.t("bulk.select_vm", vm=vm.get("name_label") or vm.get("uuid") or ref)
    return h("td", {"class": "xl-col-pick"},
             h("button", {"type": "button", "role": "checkbox", "class": "xl-pick", "tabindex": "-1" if in_row else None,
                          "aria-checked": "true" if on else "false", "aria-label": label,
                          "data-action": "vmlist.pick", "data-ref": ref}, box()))


def bar(state):
    """The selection's toolbar, or None when nothing is selected."""
    t = state.t
    count = selection(state).count()
    if not count:
        return None
    buttons = [h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "vmlist.bulk",
                            "data-op": op}, t("bulk.act." + op)) for op in BAR]
    return h("div", {"class": "xl-bulkbar", "role": "toolbar", "aria-label": t("bulk.toolbar"), "key": "bulkbar"},
             h("span", {"class": "xl-bulk-count", "role": "status"}, t("bulk.selected", count=count)),
             buttons,
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "vmlist.python"},
               t("bulk.python")),
             h("button", {"type": "button", "class": "xl-link-button", "data-action": "vmlist.pick_none"},
               t("bulk.clear")))


def visible(state):
    from lite_app.ui import vmlist  # the list's own selection of rows, in display order
    return vmlist.selected(state)[0]


def on_pick(state, payload):
    ref = (payload.get("data") or {}).get("ref")
    if ref:
        selection(state).click(ref, visible(state), bool(payload.get("shift")))
        picked(state)


def on_pick_all(state, payload):
    selection(state).toggle_all(visible(state))
    picked(state)


def on_pick_none(state, payload):
    selection(state).clear()
    picked(state)


def on_bulk(state, payload):
    op = (payload.get("data") or {}).get("op")
    refs = selection(state).refs(visible(state))
    if op in bulk.BULK_ACTIONS and refs:
        dialogs.show(state, "bulk.confirm", op=op, refs=refs, size="wide")


# ---- confirmation and report ----------------------------------------------------------------------
def name_of(state, ref):
    return model.name_of(state.cache, "VM", ref)


def confirm_render(state, spec):
    t = state.t
    rule = bulk.BULK_ACTIONS[spec["op"]]
    able = [r for r in spec["refs"] if vm_action_state(state.cache.get("VM", r) or {"power_state": ""}, rule)[0]]
    names = [name_of(state, r) for r in spec["refs"][:NAMES_SHOWN]]
    more = len(spec["refs"]) - len(names)
    body = [dialogs.description(t("bulk.confirm." + spec["op"], count=len(able))),
            h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": t("bulk.chosen")},
              [h("li", None, name) for name in names],
              h("li", None, t("bulk.more", count=more)) if more else None)]
    skipped = len(spec["refs"]) - len(able)
    if skipped:
        body.append(h("p", {"class": "xl-note"}, t("bulk.confirm.skipped", count=skipped)))
    return (t("bulk.act." + spec["op"]), body,
            [dialogs.submit_button(state, spec, t("bulk.run"), danger=spec["op"] in ("delete", "hard_shutdown")),
             dialogs.cancel_button(state)])


def confirm_submit(state, spec, form):
    spec["busy"] = True  # now, not when the coroutine starts: a second submit does nothing
    return execute(state, spec)


async def execute(state, spec):
    """Plan (after fetching whole records for a delete), open the report, run, fill the report in."""
    spec["busy"] = True
    source = state.cache
    if spec["op"] == "delete":
        try:
            source = await gather(state.client, state.cache, spec["refs"])
        except Exception as error:  # shown in the dialog; nothing ran
            spec["busy"], spec["error"] = False, dialogs.failure(state, error)
            return
    stamp = fmt.stamp(state.now)
    plan = bulk.plan(source, spec["op"], spec["refs"], stamp)
    outcomes = bulk.Outcomes(spec["refs"])
    names = {}
    for ref in spec["refs"]:
        names[ref] = name_of(state, ref)
    report = dialogs.show(state, "bulk.report", op=spec["op"], outcomes=outcomes, names=names, size="wide")
    report["running"] = True

    await bulk.run(plan, lambda method, params: state.run_call(method, params), outcomes)
    report["running"] = False


def report_render(state, spec):
    t = state.t
    outcomes = spec["outcomes"]
    rows = outcomes.rows(lambda ref: spec["names"].get(ref), t)
    kinds = {"ok": "ok", "failed": "danger", "skipped": "warn", "pending": "neutral"}
    items = [h("tr", {"key": row["ref"]}, h("th", {"scope": "row"}, row["name"]),
               h("td", None, h("span", {"class": "xl-badge xl-flag-" + kinds[row["status"]]},
                               t("bulk." + row["status"]))),
               h("td", None, row["text"] if row["status"] != "ok" else "",
                 dialogs.details(state, row) if row["code"] else None))
             for row in rows]
    table = h("div", {"class": "xl-table-wrap"},
              h("table", {"class": "xl-table"}, h("caption", {"class": "xu-sr-only"}, t("bulk.report")),
                h("thead", None, h("tr", None, [h("th", {"scope": "col"}, t(key))
                                                for key in ("col.vm", "col.state", "col.detail")])),
                h("tbody", None, items)))
    summary = h("p", {"class": "xl-dialog-text", "role": "status", "id": dialogs.DESC_ID},
                t("bulk.running") if spec.get("running") else outcomes.summary(t))
    return t("bulk.report"), [summary, table], [dialogs.cancel_button(state, t("dialog.close"))]


dialogs.register("bulk.confirm", confirm_render, confirm_submit)
dialogs.register("bulk.report", report_render, None)
def on_python(state, payload):
    """Run a Python snippet on the selection: the console (#/python) finds the refs under this key."""
    state.ui[PYTHON_TARGETS] = selection(state).refs(visible(state))
    state.ui.pop("python.preview", None)
    state.go("python")


actions = {"vmlist.pick": on_pick, "vmlist.pick_all": on_pick_all, "vmlist.pick_none": on_pick_none,
           "vmlist.bulk": on_bulk, "vmlist.python": on_python}
