"""A host's interfaces: the card listing its PIFs, and the dialog changing one's IP configuration.

The card shows, per PIF: device, network, VLAN, bond membership, MAC, link (carrier, speed, duplex from
PIF_metrics), IP configuration, MTU and which one is the management interface
(lite_app.logic.pifconfig.rows). Configure IP opens a dialog (DHCP, static, none) checked before any
call; for the management interface it warns that this console may lose its connection and asks for
the host's name, typed, before PIF.reconfigure_ip runs.
"""
from lite_app.logic import pifconfig
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

KIND = "adm.pif"


def speed_text(t, link):
    if link["carrier"] is None:
        return ""
    if not link["carrier"]:
        return t("pif.no_carrier")
    parts = []
    if link["speed"]:
        speed = link["speed"]
        parts.append(t("adm.pif.gbits", speed=speed // 1000) if speed >= 1000 and speed % 1000 == 0
                     else t("adm.pif.mbits", speed=speed))
    if link["duplex"] is not None:
        parts.append(t("adm.pif.full") if link["duplex"] else t("adm.pif.half"))
    return ", ".join(parts) or t("adm.pif.up")


def bond_text(t, bond):
    if bond is None:
        return ""
    if bond[0] == "member":
        return t("adm.pif.member_of", bond=bond[1])
    return t("adm.pif.bond_of", members=", ".join(bond[1]))


def ip_text(t, pif):
    mode = pif.get("ip_configuration_mode") or "None"
    if mode == "None":
        return t("adm.pif.mode.None")
    address = pif.get("IP") or ""
    if address and pif.get("netmask"):
        address += " / " + pif["netmask"]
    return t("adm.pif.mode." + mode) + (": " + address if address else "")


def row(state, item, host_name):
    t = state.t
    label = t("adm.pif.configure_of", device=item["device"], host=host_name)
    configure = h("button", {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": "host.pif",
                             "data-ref": item["ref"], "aria-label": label}, t("adm.pif.configure"))
    return ({"key": item["ref"]}, [h("strong", None, item["device"]), w.object_link(state, "network", item["network"]),
                                   str(item["vlan"]) if item["vlan"] >= 0 else "", bond_text(t, item["bond"]),
                                   item["pif"].get("MAC"), speed_text(t, item["link"]), ip_text(t, item["pif"]),
                                   item["pif"].get("gateway"), str(item["pif"].get("MTU") or ""),
                                   w.flag(t("col.management"), "accent") if item["management"] else "", configure])


def card(state, host):
    t = state.t
    items = pifconfig.rows(state.cache, host)
    if not items:
        return w.card("host-pifs", t("card.pifs"), w.empty(t("host.no_pifs")), icon="network", aside="0")
    heads = [t("col.device"), t("col.network"), t("col.vlan"), t("adm.col.bond"), t("col.mac"), t("adm.col.link"),
             t("adm.col.ip_config"), t("adm.col.gateway"), t("col.mtu"), t("col.management"), t("col.actions")]
    name = host.get("name_label") or ""
    return w.card("host-pifs", t("card.pifs"), w.table(t("card.pifs"), heads, [row(state, i, name) for i in items]),
                  icon="network", aside=str(len(items)), cls="xl-wide")


# ---- the dialog ----------------------------------------------------------------------------------
def open_ip(state, payload):
    ref = (payload.get("data") or {}).get("ref") or ""
    pif = state.cache.get("PIF", ref)
    if pif is None:
        return
    host = state.cache.get("host", pif.get("host") or "") or {}
    spec = dialogs.show(state, KIND, ref=ref, host=host.get("name_label") or "", device=pif.get("device") or "",
                        management=bool(pif.get("management")), errors={}, size="wide")
    spec.update(pifconfig.initial(pif))


def mode_choices(state, spec):
    t = state.t
    options = [(mode, t("adm.pif.mode." + mode), t("adm.pif.about." + mode),
                mode == "None" and spec["management"]) for mode in pifconfig.MODES]
    return form.choices(state, spec, "mode", t("adm.pif.mode"), options, "pif.choice")


def ip_render(state, spec):
    t = state.t
    title = t("adm.pif.title", device=spec["device"])
    if state.cache.get("PIF", spec["ref"]) is None:
        return title, [dialogs.description(t("page.missing"))], [dialogs.cancel_button(state)]
    body = [dialogs.description(t("adm.pif.text", device=spec["device"], host=spec["host"])), mode_choices(state, spec)]
    if spec["mode"] == "Static":
        body.append(h("div", {"class": "xl-field-row"}, form.field(state, spec, "ip", t("adm.pif.ip")),
                      form.field(state, spec, "netmask", t("adm.pif.netmask"), hint=t("adm.pif.netmask_hint"))))
        body.append(h("div", {"class": "xl-field-row"}, form.field(state, spec, "gateway", t("adm.col.gateway")),
                      form.field(state, spec, "dns", t("adm.pif.dns"), hint=t("adm.pif.dns_hint"))))
    if spec["management"]:
        body.append(h("p", {"class": "xl-dialog-error", "role": "note"}, t("adm.pif.management_warning", host=spec["host"])))
        body.append(form.confirm(state, spec, spec["host"]))
    submit = dialogs.submit_button(state, spec, t("edit.save"), danger=spec["management"])
    return title, body, [submit, dialogs.cancel_button(state)]


def ip_submit(state, spec, typed):
    pif = state.cache.get("PIF", spec["ref"])
    if pif is None:
        return None
    for name in ("ip", "netmask", "gateway", "dns", "confirm"):
        if name in typed:
            spec[name] = typed[name]
    errors, call = pifconfig.ip_config(spec["ref"], pif, spec)
    if spec["management"] and "confirm" not in errors:
        mismatch = pifconfig.confirm_error(spec.get("confirm"), spec["host"])
        if mismatch is not None:
            errors["confirm"] = mismatch
    if errors:
        return form.refuse(state, spec, errors)
    spec["errors"] = {}
    return dialogs.run(state, spec, [call])


dialogs.register(KIND, ip_render, ip_submit, {"pif.choice": form.on_choice(KIND)})
actions = {"host.pif": open_ip}
