"""What SR.probe tells the New SR page: an NFS server's exports, what a place already holds.

"Find exports" probes the NFS server alone: NFSSR fails, listing the exports (lite_app.logic.srprobe
reads them from the failure), and the page offers them to choose from. "Check" probes the export,
share or device as the form says: SM lists the SRs it finds there (`<SRlist>`); one this pool does not
know (an SR an old pool left, or one forgotten) can be attached instead of creating a new one. A probe
that fails says why as a sentence, with XAPI's code and text one click away. For local SRs, XAPI
cannot list a host's disks (SM's ext and LVM probes look only at the devices they are given), so the
page names the devices the host's SRs already use and probes the one typed.
"""
from lite_app.logic import sr_create, srprobe
from lite_app.text import fmt
from lite_app.ui import dialogs, fields, new_sr_dialogs
from lite_app.ui.new_sr_form import effective_name, form
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h
from lite_app.xapi.errors import TransportError, XapiError

PROBE = "newsr.probe"  # state.ui: {"busy", "exports", "found", "error", "what"} of the last probe


def probe(state):
    found = state.ui.get(PROBE)
    if found is None:
        found = state.ui[PROBE] = {"busy": None, "exports": None, "found": None, "error": None, "what": None}
    return found


def forget(state):
    """The form changed where the storage is: earlier findings no longer apply."""
    found = probe(state)
    if not found["busy"]:
        found.update(found=None, error=None, what=None)


def probe_host(state, values):
    """Where to probe from: the chosen host of a local (or one-host) SR, else the pool master."""
    if sr_create.is_local(values["kind"]) or values.get("scope") == "host":
        return values.get("host") or None
    return (state.cache.first("pool")[1] or {}).get("master")


def busy_button(state, action, label, busy, disabled=False):
    attrs = {"type": "button", "class": "xl-button xl-quiet", "data-action": action, "key": action}
    if busy or disabled:
        attrs["aria-disabled"] = "true"
    if busy:
        attrs["aria-busy"] = "true"
    return h("button", attrs, h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None, label)


def exports_button(state, values):
    return busy_button(state, "newsr.exports", state.t("newsr.find_exports"), probe(state)["busy"] == "exports")


def check_button(state, values):
    return busy_button(state, "newsr.probe", state.t("newsr.check"), probe(state)["busy"] == "probe")


def exports_list(state, values):
    """The server's exports as choices for the path (once found)."""
    t = state.t
    found = probe(state)["exports"]
    if not found or found[0] != (values.get("server") or "").strip():
        return None
    options = [(e["path"], e["path"], t("newsr.access", access=e["access"]) if e["access"] else None) for e in found[1]]
    if not options:
        return w.empty(t("newsr.no_exports"))
    return fields.choices(t("newsr.exports", server=found[0]), "export", options, values.get("path"), "newsr.pick_path")


def found_item(state, sr):
    t = state.t
    known = state.cache.ref_by_uuid("SR", sr["uuid"])
    size = t("newsr.found_size", size=fmt.size(sr["size"])) if sr["size"] else ""
    where = t("newsr.found_on", devices=sr["devlist"]) if sr["devlist"] else ""
    head = [h("code", None, sr["uuid"]), " " + " ".join([p for p in (size, where) if p])]
    if known is not None:
        return h("li", {"key": sr["uuid"]}, head, " \u2013 ", t("newsr.in_pool"), " ",
                 w.object_link(state, "SR", state.cache.get("SR", known)))
    return h("li", {"key": sr["uuid"]}, head, " \u2013 ", t("newsr.not_in_pool"), " ",
             h("button", {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": "newsr.attach",
                          "data-uuid": sr["uuid"]}, t("newsr.attach")))


def results(state, values):
    """The last check's findings (or its failure), under the location fields."""
    t = state.t
    found = probe(state)
    if found["error"] is not None:
        return h("div", {"class": "xl-dialog-error", "role": "alert", "key": "probe-error"},
                 h("p", None, t("newsr.probe_failed", reason=found["error"]["text"])), dialogs.details(state, found["error"]))
    if found["found"] is None:
        return None
    if not found["found"]:
        return h("p", {"class": "xl-note", "role": "status", "key": "probe-none"}, t("newsr.nothing_there"))
    warn = t("newsr.erase_warning") if sr_create.is_local(values["kind"]) else t("newsr.beside_warning")
    return h("div", {"role": "status", "key": "probe-found"},
             h("p", {"class": "xl-dialog-text"}, t("newsr.found", count=str(len(found["found"])))),
             h("ul", {"class": "xu-plain xl-dialog-list"}, [found_item(state, sr) for sr in found["found"]]),
             h("p", {"class": "xl-note"}, warn))


def devices_in_use(state, values):
    """The devices the chosen host's SRs already use (XAPI has no call listing a host's disks)."""
    t = state.t
    host = state.cache.get("host", values.get("host") or "")
    if host is None:
        return h("p", {"class": "xl-note"}, t("newsr.devices_note"))
    items = []
    for ref in host.get("PBDs") or ():
        pbd = state.cache.get("PBD", ref) or {}
        device = (pbd.get("device_config") or {}).get("device")
        sr = state.cache.get("SR", pbd.get("SR") or "")
        if device and sr is not None:
            items.append(h("li", {"key": ref}, h("code", None, device), " \u2013 ", w.object_link(state, "SR", sr)))
    return [h("p", {"class": "xl-note"}, t("newsr.devices_note")),
            h("p", {"class": "xl-note"}, t("newsr.devices_used", host=host.get("name_label") or "")) if items else None,
            h("ul", {"class": "xu-plain xl-dialog-list"}, items) if items else None]


# ---- actions -------------------------------------------------------------------------------------
def location_refusal(state, values, need_path=True):
    """The form's location problem as a field error (and a notice), or None."""
    error = sr_create.location_error(values["kind"], values) if need_path else \
        (None if (values.get("server") or "").strip() else ("server", ("newsr.need_server", {})))
    if error is None and probe_host(state, values) is None:
        error = ("host", ("newsr.need_host", {}))
    if error is not None:
        form(state)["errors"] = {error[0]: error[1]}
    return error


async def run_probe(state, kind_of_probe, method, params, read):
    found = probe(state)
    found.update(busy=kind_of_probe, error=None)
    try:
        value = await state.run_call(method, params)
        read(value, None)
    except (XapiError, TransportError) as error:
        if getattr(error, "code", None) == "SESSION_INVALID":
            raise
        read(None, error)
    finally:
        found["busy"] = None


def on_exports(state, payload):
    values = form(state)
    found = probe(state)
    if found["busy"] or location_refusal(state, values, need_path=False) is not None:
        return None
    server = values["server"].strip()
    method, params = sr_create.exports_call(values, probe_host(state, values))

    def read(value, error):
        exports = srprobe.exports_of_failure(error.code, error.params) if isinstance(error, XapiError) else []
        if error is not None and not exports:
            found["error"] = dialogs.failure(state, error)
            found["exports"] = None
        else:
            found["exports"] = (server, exports)
    return run_probe(state, "exports", method, params, read)


def on_probe(state, payload):
    values = form(state)
    found = probe(state)
    if found["busy"] or not sr_create.can_probe(values["kind"]) or location_refusal(state, values) is not None:
        return None
    method, params = sr_create.probe_call(values["kind"], values, probe_host(state, values))

    def read(value, error):
        if error is not None:
            found["error"], found["found"] = dialogs.failure(state, error), None
        else:
            found["found"] = srprobe.sr_list(value if isinstance(value, str) else "")
    return run_probe(state, "probe", method, params, read)


def on_pick_path(state, payload):
    values = form(state)
    values["path"] = payload.get("value") or ""
    (values.get("errors") or {}).pop("path", None)
    forget(state)


def on_attach(state, payload):
    values = form(state)
    uuid = (payload.get("data") or {}).get("uuid") or ""
    listed = [sr for sr in probe(state)["found"] or () if sr["uuid"] == uuid]
    if listed:
        new_sr_dialogs.open_attach(state, values, listed[0], effective_name(state, values))


actions = {"newsr.exports": on_exports, "newsr.probe": on_probe, "newsr.pick_path": on_pick_path,
           "newsr.attach": on_attach}
