"""The alarms and messages page (route `#/alarms`): severity, what happened, the object, when; dismiss.

Rows come from lite_app.logic.alarms (newest first, objects resolved by class and uuid). Dismissing calls
`message.destroy`; the message leaves the cache through event.from like any other deletion. A filter
shows alarms only (ALARM messages) or every message. At most LIMIT rows are drawn; XAPI keeps
thousands of messages on a busy pool and the newest are the ones worth reading.
"""
from lite_app.logic import alarms, memo
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

LIMIT = 200
SEVERITY_KIND = {"critical": "danger", "major": "danger", "warning": "warn", "minor": "accent", "info": "neutral"}


def title(state):
    return state.t("page.alarms")


def shown_rows(state):
    """The rows drawn, recomputed only when messages or the objects they name changed."""
    only = bool(state.ui.get("alarms.only"))
    return memo.by_classes(state, "alarms.rows", ("message", "VM", "host", "SR", "pool"),
                           lambda: alarms.rows(state.cache, state.cache.all("message"), state.t, only, LIMIT),
                           (only,))


def render(state):
    t = state.t
    rows = shown_rows(state)
    if rows:
        body = w.table(t("page.alarms"), [t("col.level"), t("col.alarm"), t("col.object"), t("col.when"),
                                          t("col.actions")],
                       [({"key": row["ref"]}, cells(state, row)) for row in rows])
    else:
        body = w.empty(t("alarm.none"))
    return [h("div", {"class": "xl-page xl-page-alarms", "key": "alarms"},
              w.page_header("alarm", t("page.alarms"), None),
              toolbar(state, rows),
              w.card("alarms-list", t("page.alarms"), body, icon="alarm", cls="xl-wide", aside=str(len(rows))))]


def toolbar(state, rows):
    t = state.t
    only = bool(state.ui.get("alarms.only"))
    return h("div", {"class": "xl-toolbar", "key": "alarms-toolbar"},
             h("label", {"class": "xl-check"},
               h("input", {"type": "checkbox", "data-action": "alarms.only", "checked": only}),
               t("alarm.only_alarms")),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "alarms.dismiss_all",
                          "disabled": not rows}, t("alarm.dismiss_all")) if rows else None)


def object_cell(state, row):
    """The link to a message's object when the app has a page for it, else its name or uuid."""
    record = state.cache.get(row["cls"], row["object_ref"]) if row["object_ref"] else None
    if record is not None and row["cls"] in w.PAGE_OF:
        return w.object_link(state, row["cls"], record)
    return row["object"]


def severity_flag(t, row):
    return w.flag(t("severity." + row["severity"]), SEVERITY_KIND.get(row["severity"], "neutral"))


def cells(state, row):
    t = state.t
    target = object_cell(state, row)
    when = h("span", {"title": fmt.date_text(row["time"])}, fmt.relative(row["time"], state.now, t)) \
        if row["time"] else w.DASH
    label = t("alarm.dismiss_named", alarm=row["title"], object=row["object"])
    return [severity_flag(t, row), row["title"], target, when,
            h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "alarms.dismiss",
                         "data-ref": row["ref"], "aria-label": label}, t("alarm.dismiss"))]


async def destroy(state, refs):
    for method, params in alarms.dismiss_calls(refs):
        await state.client.call(method, *params)


def on_dismiss(state, payload):
    ref = (payload.get("data") or {}).get("ref")
    return destroy(state, [ref]) if ref else None


def on_dismiss_all(state, payload):
    refs = [row["ref"] for row in shown_rows(state)]
    dialogs.show(state, "alarms.dismiss_all", refs=refs)


def on_only(state, payload):
    state.ui["alarms.only"] = bool(payload.get("checked"))


def confirm_render(state, spec):
    t = state.t
    text = t("alarm.dismiss_all_confirm", count=str(len(spec["refs"])))
    return (t("alarm.dismiss_all"), [dialogs.description(text)],
            [dialogs.submit_button(state, spec, t("alarm.dismiss_all"), danger=True), dialogs.cancel_button(state)])


def confirm_submit(state, spec, form):
    return dialogs.run(state, spec, alarms.dismiss_calls(spec["refs"]))


dialogs.register("alarms.dismiss_all", confirm_render, confirm_submit)
actions = {"alarms.dismiss": on_dismiss, "alarms.dismiss_all": on_dismiss_all, "alarms.only": on_only}
