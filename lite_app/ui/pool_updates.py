"""Updates on the pool page: each host's pending packages, checking them, installing them.

The check (`updater.py` `check_update`, lite_app/logic/updates.py) runs for every live host when the
page is first shown in a visit, and again on request; its answers live in `state.ui[CHECKS]`
({host ref: {"status": "checking"|"done"|"failed", "packages", "error", "at"}}). Install runs one job:
host after host, the pool master first; each host's line says waiting, installing or installed, and
the hosts that need a reboot afterwards are flagged (lite_app.logic.updates.reboot_required) on this
page and on the host's page until they are rebooted.
"""
import asyncio

from lite_app.logic import updates
from lite_app.logic.jobs import Job
from lite_app.text import fmt
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

CHECKS = "pool.updates"
KIND = "adm.install"


def checks(state):
    return state.ui.setdefault(CHECKS, {})


async def check_host(state, ref):
    found = checks(state)
    found[ref] = {"status": "checking", "packages": [], "error": None, "at": None}
    try:
        packages = updates.parse_check(await state.run_call(*updates.check_call(ref)))
    except ValueError:
        found[ref] = {"status": "failed", "packages": [], "at": state.now,
                      "error": {"text": state.t("adm.upd.unreadable"), "code": None, "params": []}}
        return
    except Exception as error:  # the plugin's failure (busy, no repository) is shown for that host
        if getattr(error, "code", None) == "SESSION_INVALID":
            return
        found[ref] = {"status": "failed", "packages": [], "error": dialogs.failure(state, error), "at": state.now}
        return
    found[ref] = {"status": "done", "packages": packages, "error": None, "at": state.now}


def check_all(state):
    """Check every live host at once (the plugin's lock is per host)."""
    refs = [ref for ref, _host in updates.install_order(state.cache)]
    for ref in refs:
        checks(state)[ref] = {"status": "checking", "packages": [], "error": None, "at": None}
    return check_each(state, refs)


async def check_each(state, refs):
    await asyncio.gather(*[check_host(state, ref) for ref in refs])


def visit(state):
    """On the page's first showing in a visit: check every host once."""
    if CHECKS in state.ui:
        return None
    return check_all(state)


def pending(state):
    """[(ref, host, packages)] of the hosts with known pending packages, in install order."""
    found = checks(state)
    return [(ref, host, found[ref]["packages"]) for ref, host in updates.install_order(state.cache)
            if (found.get(ref) or {}).get("packages")]


def host_summary(state, ref):
    """What the Updates column says of one host."""
    t = state.t
    found = checks(state).get(ref)
    if found is None:
        return t("adm.upd.unchecked")
    if found["status"] == "checking":
        return h("span", {"aria-busy": "true"}, t("adm.upd.checking"))
    if found["status"] == "failed":
        return h("span", {"class": "xl-field-error"}, t("adm.upd.failed", reason=found["error"]["text"]))
    packages = found["packages"]
    if not packages:
        return t("adm.upd.none")
    reboot = len([p for p in packages if p["reboot"]])
    text = t("adm.upd.count", count=len(packages))
    return text + (" \u2013 " + t("adm.upd.reboot_count", count=reboot) if reboot else "")


def package_row(state, item):
    t = state.t
    return ({"key": item["name"]}, [h("strong", None, item["name"]), item["version"] + "-" + item["release"],
                                    item["description"], fmt.size(item["size"]) if item["size"] is not None else "",
                                    w.flag(t("adm.upd.needs_reboot"), "warn") if item["reboot"] else t("no")])


def host_block(state, ref, host):
    t = state.t
    found = checks(state).get(ref) or {}
    name = host.get("name_label") or ""
    head = h("h3", {"class": "xl-subhead"}, name)
    if not found.get("packages"):
        return h("div", {"key": ref}, head, h("p", {"class": "xl-note"}, host_summary(state, ref)))
    table = w.table(t("adm.upd.of", host=name), [t("adm.col.package"), t("adm.col.version"), t("edit.description"),
                                                  t("col.size"), t("adm.col.reboot")],
                    [package_row(state, item) for item in found["packages"]])
    return h("div", {"key": ref}, head, table)


def card(state):
    t = state.t
    hosts = updates.install_order(state.cache)
    checking = any([(checks(state).get(ref) or {}).get("status") == "checking" for ref, _h in hosts])
    todo = pending(state)
    reason = None if todo else t("adm.upd.nothing")
    buttons = form.toolbar(t("adm.upd.actions"), [
        form.action_button(state, "pool.check", "check", t("adm.upd.check"), not checking, t("adm.upd.checking"),
                           checking),
        form.action_button(state, "pool.install", "install", t("adm.upd.install"), bool(todo) and not checking,
                           reason or t("adm.upd.checking"))])
    blocks = [host_block(state, ref, host) for ref, host in hosts] or [w.empty(t("adm.upd.no_hosts"))]
    return w.card("pool-updates", t("adm.upd.title"), h("p", {"class": "xl-note"}, t("adm.upd.about")), buttons,
                  blocks, icon="task", cls="xl-wide")


# ---- installing -------------------------------------------------------------------------------
def open_install(state, payload):
    todo = pending(state)
    if not todo:
        return None
    dialogs.show(state, KIND, hosts=[ref for ref, _h, _p in todo], installed={}, size="wide")
    return None


def host_line(state, spec, index, ref):
    t = state.t
    name = (state.cache.get("host", ref) or {}).get("name_label") or ""
    packages = (checks(state).get(ref) or {}).get("packages") or []
    text = t("adm.upd.line", host=name, count=len(packages), reboot=len([p for p in packages if p["reboot"]]))
    if ref in spec["installed"]:
        status = ("adm.upd.installed", "ok")
    elif spec.get("busy") and index == len(spec["installed"]):
        status = ("adm.upd.installing", "accent")
    else:
        status = ("adm.upd.waiting", "neutral") if spec.get("busy") or spec.get("error") else None
    return h("li", {"key": ref, "class": "xl-plan-row"}, h("span", None, text),
             w.flag(t(status[0]), status[1]) if status else None)


def install_render(state, spec):
    t = state.t
    lines = [host_line(state, spec, i, ref) for i, ref in enumerate(spec["hosts"])]
    body = [dialogs.description(t("adm.upd.install_text", count=len(spec["hosts"]))),
            h("ul", {"class": "xu-plain xl-dialog-list xl-plan", "aria-label": t("adm.upd.order")}, lines),
            h("p", {"class": "xl-note"}, t("adm.upd.install_note"))]
    return t("adm.upd.install"), body, [dialogs.submit_button(state, spec, t("adm.upd.install")), dialogs.cancel_button(state)]


def marked(spec, ref):
    """A check that notes the host as installed once its install time is recorded."""
    def check(result):
        spec["installed"][ref] = True
    return check


def install_submit(state, spec, typed):
    steps = []
    for ref in spec["hosts"]:
        host_steps = updates.install_steps(ref)
        host_steps[-1]["check"] = marked(spec, ref)
        steps.extend(host_steps)
    job = Job(state.t("adm.job.install", count=len(spec["hosts"])), steps, "pool", state.cache.first("pool")[0])
    return install(state, spec, form.run_job(state, spec, job))


async def install(state, spec, running):
    """Run the install job, say how it ended, then check again the hosts that were updated."""
    ok = await running
    state.notify(state.t("adm.upd.done") if ok else state.t("adm.upd.partial", count=len(spec["installed"])),
                 "info" if ok else "error")
    await check_each(state, list(spec["installed"]))


dialogs.register(KIND, install_render, install_submit)
actions = {"pool.check": lambda state, payload: check_all(state), "pool.install": open_install}
