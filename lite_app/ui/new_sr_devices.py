"""New SR, local ext / LVM: the chosen host's block devices to pick from, or a path to type.

Once a host is chosen the page asks XCP-ng's lsblk plugin for its devices (lite_app.logic.blockdevs:
XAPI itself cannot list them) and lists disks and partitions with their size and whether they are
free; a device holding an SR, mounted, swap, partitioned or read-only is shown with the reason and
cannot be chosen. Choosing one fills the form's `device`, which SR.create gets as device_config.
Only when the listing fails (a host without the plugin, the host down, an answer not understood)
does the page say why in a sentence and offer the typed path instead, with the devices the host's
SRs already use.
"""
from lite_app.logic import blockdevs, model
from lite_app.text import fmt
from lite_app.ui import dialogs, new_sr_probe
from lite_app.ui.new_sr_form import form
from lite_app.ui.vdom import h
from lite_app.xapi.errors import TransportError, XapiError

DEVICES = "newsr.devices"  # state.ui: {"host", "busy", "rows", "error"} of the last listing


def listing(state):
    found = state.ui.get(DEVICES)
    if found is None:
        found = state.ui[DEVICES] = {"host": None, "busy": False, "rows": None, "error": None}
    return found


def used_on(state, host):
    """{device path: SR uuid} of the host's PBDs (an SR whose volume is not active still counts)."""
    pbds = [state.cache.get("PBD", ref) or {} for ref in host.get("PBDs") or ()]
    uuids = {}
    for pbd in pbds:
        sr = state.cache.get("SR", pbd.get("SR") or "")
        if sr is not None:
            uuids[pbd["SR"]] = sr.get("uuid")
    return blockdevs.used_by_pbds(pbds, uuids)


def load(state):
    """List the chosen host's devices (a coroutine for the dispatcher), or None with no host."""
    values = form(state)
    ref = values.get("host") or ""
    host = state.cache.get("host", ref)
    found = listing(state)
    if host is None or found["busy"]:
        return None
    found.update(host=ref, busy=True, rows=None, error=None)
    return _load(state, found, ref, host)


async def _load(state, found, ref, host):
    method, params = blockdevs.list_call(ref)
    try:
        text = await state.run_call(method, params)
        rows = blockdevs.devices(text, used_on(state, host))
        error = None
    except (XapiError, TransportError) as failed:
        if getattr(failed, "code", None) == "SESSION_INVALID":
            found["busy"] = False
            raise
        rows, error = None, failure(state, failed)
    except (ValueError, TypeError):
        rows, error = None, {"text": state.t("newsr.devices_unreadable"), "code": "", "params": []}
    found.update(busy=False, rows=rows, error=error)


def failure(state, error):
    """A failed listing as a sentence: a plugin's own failure (code "-1" or an errno, params
    [message, details, traceback]) by its message, the rest as XAPI's errors are told."""
    code, params = getattr(error, "code", ""), list(getattr(error, "params", None) or [])
    if code.lstrip("-").isdigit() and params:
        return {"text": state.t("newsr.devices_plugin_failed", message=params[0]), "code": code,
                "params": params[:2]}
    return dialogs.failure(state, error)


def row_note(state, row):
    """"1.8 TiB disk, free" or "405.6 GiB partition: holds SR Local storage"."""
    t = state.t
    kind = t("newsr.dev_type." + row["type"]) if row["type"] in ("disk", "part") else row["type"]
    if row["reason"] is None:
        return t("newsr.dev_line_free", size=fmt.size(row["size"]), type=kind)
    key, params = row["reason"]
    if key == "newsr.dev_sr":
        params = {"sr": sr_name(state, params["sr"])}
    return t("newsr.dev_line_used", size=fmt.size(row["size"]), type=kind, why=t(key, **params))


def sr_name(state, uuid):
    ref = state.cache.ref_by_uuid("SR", uuid)
    record = state.cache.get("SR", ref) if ref else None
    if record is None:
        return state.t("newsr.dev_sr_elsewhere", uuid=uuid)
    return record.get("name_label") or uuid


def device_choice(state, row, chosen):
    free = row["reason"] is None
    note_id = "xl-dev-" + row["name"].replace("/", "-")
    attrs = {"type": "radio", "name": "device", "value": row["path"], "checked": free and row["path"] == chosen,
             "data-action": "newsr.device", "data-field": "device", "aria-label": row["path"],
             "aria-describedby": note_id}
    if not free:
        attrs["disabled"] = True
    indent = {"style": "padding-left: %dpx" % (20 * row["depth"])} if row["depth"] else {}
    label = dict({"class": "xl-choice" if free else "xl-choice xl-choice-off", "key": row["path"]}, **indent)
    return h("label", label, h("input", attrs), h("code", None, row["path"]),
             h("span", {"id": note_id, "class": "xl-choice-note xu-muted"}, row_note(state, row)))


def again_button(state, found):
    attrs = {"type": "button", "class": "xl-button xl-quiet", "data-action": "newsr.devices", "key": "relist"}
    if found["busy"]:
        attrs.update({"aria-disabled": "true", "aria-busy": "true"})
    return h("div", {"class": "xl-actions"}, h("button", attrs, state.t("newsr.devices_again")))


def render(state, values, typed_field, in_use):
    """The device part of the location card; `typed_field()` and `in_use()` draw the fallback."""
    t = state.t
    host = state.cache.get("host", values.get("host") or "")
    if host is None:
        return [h("p", {"class": "xl-note"}, t("newsr.devices_choose_host"))]
    name = model.name_of(state.cache, "host", values["host"])
    found = listing(state)
    if found["host"] != values["host"] or found["busy"]:
        busy = found["host"] == values["host"] and found["busy"]
        return [h("p", {"class": "xl-note", "role": "status", "aria-busy": "true" if busy else None},
                  h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None,
                  t("newsr.devices_listing", host=name))]
    if found["error"] is not None:
        return [h("div", {"class": "xl-dialog-error", "role": "alert", "key": "devices-error"},
                  h("p", None, t("newsr.devices_failed", host=name, reason=found["error"]["text"])),
                  dialogs.details(state, found["error"]) if found["error"].get("code") else None),
                typed_field(), again_button(state, found), in_use()]
    rows = found["rows"] or []
    chosen = (values.get("device") or "").strip()
    error = (values.get("errors") or {}).get("device")
    items = [device_choice(state, row, chosen) for row in rows]
    body = [h("fieldset", {"class": "xl-choices", "key": "devices"},
              h("legend", None, t("newsr.devices_of", host=name)),
              items if items else h("p", {"class": "xl-note"}, t("newsr.devices_none")),
              h("span", {"class": "xl-field-error", "role": "alert"}, t(error[0], **error[1])) if error else None)]
    if rows and not blockdevs.free(rows):
        body.append(h("p", {"class": "xl-note", "role": "status"}, t("newsr.devices_none_free")))
    body.append(h("p", {"class": "xl-note"}, t("newsr.devices_how")))
    body.append(again_button(state, found))
    return body


def chosen_row(state, values):
    """The listed row of the chosen device (for the review), or None."""
    found = listing(state)
    if found["host"] != values.get("host") or not found["rows"]:
        return None
    for row in found["rows"]:
        if row["path"] == (values.get("device") or "").strip():
            return row
    return None


# ---- actions -------------------------------------------------------------------------------------
def on_pick(state, payload):
    values = form(state)
    path = payload.get("value") or ""
    if path not in blockdevs.free(listing(state)["rows"] or []):
        return None
    values["device"] = path
    (values.get("errors") or {}).pop("device", None)
    new_sr_probe.forget(state)


def on_again(state, payload):
    return load(state)


actions = {"newsr.device": on_pick, "newsr.devices": on_again}
