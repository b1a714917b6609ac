"""The disks card of the SR page and its dialogs: new disk, rename, resize, delete, delete the orphans.

Rows come from lite_app.logic.sr_disks: each disk with its size, the space it takes, the VMs using it,
and its snapshots under it (indented, newest first); orphans carry a flag. Each row's buttons are
drawn enabled or not from the logic's refusals, the reason in their title and description. Deleting
every orphan takes one confirmation listing them all with the space they free, then runs as one task.
A shared SR of a 10,000-VM pool holds over 10,000 disks: the card lists PAGE_SIZE rows at a time, and
watches the VBDs of the disks it shows (who uses them) rather than loading every VBD of the pool; past
WATCH_BUDGET of them ("Show more" a few times) it loads the VBD class whole.
"""
from lite_app.logic import jobs, memo, model, sr_disks, sr_plans
from lite_app.text import fmt
from lite_app.ui import dialogs, fields
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PAGE_SIZE = 100
WATCH_BUDGET = 250  # VBDs watched one by one for the rows shown (the shell follows at most 400 objects)
CREATABLE = "vdi_create"


def listing(state, sr_ref, sr):
    """{"rows": the disk tree, "shown": flat(rows), "orphans": its orphan rows}, kept until the VDIs
    change: an SR of a 10,000-VM pool has over 10,000 disks, and every render reads these."""
    def compute():
        rows = sr_disks.disk_tree(sr_plans.sr_vdis(state.cache, sr_ref), sr.get("content_type") == "iso")
        return {"rows": rows, "shown": flat(rows), "orphans": sr_disks.orphans(rows)}
    return memo.by_classes(state, "srdisks.tree", ("VDI",), compute, (sr_ref, sr.get("content_type")))


def flat(rows, depth=0):
    """[(row, depth)] of the tree, snapshots right after their disk."""
    out = []
    for row in rows:
        out.append((row, depth))
        out.extend(flat(row["snapshots"], depth + 1))
    return out


def watch_users(state, rows):
    """Ask for the VBDs of the disks shown (asked at every render: the watches stay current), or for the
    whole VBD class when they are too many to follow one by one."""
    if model.loaded(state.cache, "VBD"):
        return
    refs = []
    for row, _depth in rows:
        refs.extend(row["vdi"].get("VBDs") or ())
    if len(refs) > WATCH_BUDGET:
        state.need("VBD")
        return
    for ref in refs:
        state.watch("VBD", ref)


def vm_links(state, row):
    if not sr_disks.users_known(state.cache, row["vdi"]):
        return h("span", {"aria-busy": "true"}, state.t("view.loading"))
    links = []
    for _ref, vm, _attached in sr_disks.users(state.cache, row["vdi"]):
        if links:
            links.append(", ")
        links.append(w.object_link(state, "VM", vm))
    return links or None


def name_cell(state, row, depth):
    t, vdi = state.t, row["vdi"]
    name = vdi.get("name_label") or vdi.get("uuid") or ""
    flags = []
    if vdi.get("is_a_snapshot"):
        taken = fmt.parse_time(vdi.get("snapshot_time"))
        flags.append(w.flag(t("disk.snapshot_of") if depth else t("disk.snapshot"), "accent",
                            fmt.date_text(taken) if taken else None))
    if row["orphan"]:
        flags.append(w.flag(t("disk.orphan"), "warn", t("disk.orphan_hint")))
    return h("span", {"class": "xl-disk-name" + (" xl-disk-child" if depth else "")}, name, " " if flags else None, flags)


def row_button(state, row, op, label_key, why):
    t = state.t
    name = row["vdi"].get("name_label") or row["vdi"].get("uuid") or ""
    reason_id = "why-" + op + "-" + (row["vdi"].get("uuid") or row["ref"])
    attrs = {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": "disk.act", "data-op": op,
             "data-ref": row["ref"], "aria-label": t(label_key + "_named", disk=name), "key": op}
    if why is not None:
        attrs.update({"aria-disabled": "true", "title": t(why[0], **why[1]), "aria-describedby": reason_id})
    return [h("button", attrs, t(label_key)),
            h("span", {"id": reason_id, "class": "xu-sr-only", "key": "why-" + op}, t(why[0], **why[1]))
            if why is not None else None]


def buttons(state, row, iso_sr):
    cache = state.cache
    return h("div", {"class": "xl-row-actions"},
             row_button(state, row, "rename", "disk.rename", None),
             row_button(state, row, "resize", "disk.resize", sr_disks.resize_refusal(cache, row["vdi"], iso_sr)),
             row_button(state, row, "delete", "disk.delete", sr_disks.delete_refusal(cache, row["vdi"])))


def table_row(state, row, depth, iso_sr):
    vdi = row["vdi"]
    return ({"key": row["ref"], "class": "xl-disk-snap" if depth else None},
            [name_cell(state, row, depth), fmt.size(vdi.get("virtual_size") or 0),
             fmt.size(vdi.get("physical_utilisation") or 0), vm_links(state, row), buttons(state, row, iso_sr)])


def card_tools(state, sr_ref, sr, orphan_rows):
    t = state.t
    creatable = CREATABLE in (sr.get("allowed_operations") or ()) and sr.get("content_type") != "iso"
    tools = [h("button", {"type": "button", "class": "xl-button xl-small", "data-action": "disk.new",
                          "data-ref": sr_ref, "key": "new"}, t("disk.new")) if creatable else None]
    if orphan_rows:
        tools.append(h("button", {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": "disk.orphans",
                                  "data-ref": sr_ref, "key": "orphans"},
                       t("disk.orphans", count=str(len(orphan_rows)))))
    return h("div", {"class": "xl-actions", "key": "disk-tools"}, tools)


def card(state, sr_ref, sr):
    t = state.t
    if not model.loaded(state.cache, "VDI"):
        return w.card("sr-vdis", t("card.vdis"), w.empty(t("view.loading")), icon="storage", cls="xl-wide")
    found = listing(state, sr_ref, sr)
    shown = found["shown"]
    limit = int(state.ui.get("srdisks.limit:" + sr_ref) or PAGE_SIZE)
    iso_sr = sr.get("content_type") == "iso"
    watch_users(state, shown[:limit])
    body = w.empty(t("sr.no_vdis"))
    if shown:
        body = w.table(t("card.vdis"), [t("col.name"), t("col.size"), t("space.used"), t("col.vms"), t("col.actions")],
                       [table_row(state, row, depth, iso_sr) for row, depth in shown[:limit]], "xl-disks")
    more = None
    if len(shown) > limit:
        more = h("p", {"class": "xl-note"}, t("list.shown", shown=str(limit), total=str(len(shown))), " ",
                 h("button", {"type": "button", "class": "xl-link-button", "data-action": "disk.more",
                              "data-ref": sr_ref}, t("list.show_more")))
    return w.card("sr-vdis", t("card.vdis"), card_tools(state, sr_ref, sr, found["orphans"]), body, more,
                  h("p", {"class": "xl-note"}, t("disk.orphan_note")) if found["orphans"] else None,
                  icon="storage", aside=str(len(shown)), cls="xl-wide")


# ---- dialogs -------------------------------------------------------------------------------------
def said(state, spec, name):
    found = (spec.get("errors") or {}).get(name)
    return state.t(found[0], **found[1]) if found else None


def new_render(state, spec):
    t = state.t
    sr = state.cache.get("SR", spec["sr"]) or {}
    body = [dialogs.description(t("disk.new.text", sr=sr.get("name_label") or "")), w.required_note(state),
            w.required(fields.text("disk-name", "name", t("edit.name"), spec.get("name"), said(state, spec, "name"),
                                   data_autofocus="1")),
            w.required(fields.text("disk-size", "disk_size", t("disk.size"), spec.get("disk_size"),
                                   said(state, spec, "disk_size"), t("disk.size_hint"))),
            fields.text("disk-description", "description", t("edit.description"), spec.get("description"))]
    return t("disk.new"), body, [dialogs.submit_button(state, spec, t("disk.create")), dialogs.cancel_button(state)]


def keep(spec, form, names):
    for name in names:
        if name in form:
            spec[name] = form[name]


def new_submit(state, spec, form):
    keep(spec, form, ("name", "disk_size", "description"))
    sr = state.cache.get("SR", spec["sr"])
    if sr is None:
        return None
    error, size = sr_disks.create_checks(sr, spec.get("name"), spec.get("disk_size"))
    if error is not None and error[0] == "size":
        error = ("disk_size", error[1])
    spec["errors"], spec["error"] = ({error[0]: error[1]} if error else {}), None
    if error is not None:
        return None
    return dialogs.run(state, spec, [sr_disks.create_call(spec["sr"], spec["name"], spec.get("description"), size)])


def rename_render(state, spec):
    t = state.t
    body = [w.required_note(state),
            w.required(fields.text("disk-name", "name", t("edit.name"), spec.get("name"), said(state, spec, "name"),
                                   data_autofocus="1")),
            fields.text("disk-description", "description", t("edit.description"), spec.get("description"),
                        said(state, spec, "description"))]
    return t("disk.rename.title"), body, [dialogs.submit_button(state, spec, t("edit.save")),
                                          dialogs.cancel_button(state)]


def rename_submit(state, spec, form):
    keep(spec, form, ("name", "description"))
    vdi = state.cache.get("VDI", spec["vdi"])
    if vdi is None:
        return None
    error, calls = sr_disks.rename_calls(spec["vdi"], vdi, spec.get("name") or "", spec.get("description") or "")
    spec["errors"] = {"name": error} if error else {}
    if error is not None:
        return None
    return dialogs.run(state, spec, calls)


def resize_render(state, spec):
    t = state.t
    vdi = state.cache.get("VDI", spec["vdi"]) or {}
    body = [dialogs.description(t("disk.resize.text", disk=spec["label"], size=fmt.size(vdi.get("virtual_size") or 0))),
            w.required_note(state),
            w.required(fields.text("disk-size", "disk_size", t("disk.new_size"), spec.get("disk_size"),
                                   said(state, spec, "disk_size"), t("disk.grow_hint"), data_autofocus="1"))]
    return t("disk.resize.title"), body, [dialogs.submit_button(state, spec, t("disk.resize")),
                                          dialogs.cancel_button(state)]


def resize_submit(state, spec, form):
    keep(spec, form, ("disk_size",))
    vdi = state.cache.get("VDI", spec["vdi"])
    if vdi is None:
        return None
    error, size = sr_disks.resize_checks(vdi, spec.get("disk_size"))
    spec["errors"] = {"disk_size": error} if error else {}
    if error is not None:
        return None
    return dialogs.run(state, spec, [sr_disks.resize_call(spec["vdi"], size)])


def delete_render(state, spec):
    t = state.t
    vdi = state.cache.get("VDI", spec["vdi"]) or {}
    body = [dialogs.description(t("disk.delete.text", disk=spec["label"], size=fmt.size(vdi.get("virtual_size") or 0)))]
    return t("disk.delete.title"), body, [dialogs.submit_button(state, spec, t("disk.delete"), danger=True),
                                          dialogs.cancel_button(state)]


def delete_submit(state, spec, form):
    vdi = state.cache.get("VDI", spec["vdi"])
    if vdi is None:
        return None
    why = sr_disks.delete_refusal(state.cache, vdi)
    if why is not None:
        spec["error"] = {"text": state.t(why[0], **why[1]), "code": None, "params": []}
        return None
    return dialogs.run(state, spec, [sr_disks.destroy_call(spec["vdi"])])


def orphans_render(state, spec):
    t = state.t
    found = spec["orphans"]
    total = sum([int(vdi.get("virtual_size") or 0) for _ref, vdi in found])
    used = sum([int(vdi.get("physical_utilisation") or 0) for _ref, vdi in found])
    items = [h("li", {"key": ref}, h("strong", None, vdi.get("name_label") or vdi.get("uuid") or ""),
               " (" + fmt.size(vdi.get("virtual_size") or 0) + ")") for ref, vdi in found]
    body = [dialogs.description(t("disk.orphans.text", count=str(len(found)), size=fmt.size(total),
                                  used=fmt.size(used))),
            h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": t("disk.orphans.list")}, items)]
    title = t("disk.orphans.title")
    return title, body, [dialogs.submit_button(state, spec, t("disk.orphans.submit", count=str(len(found))),
                                               danger=True), dialogs.cancel_button(state)]


def orphans_submit(state, spec, form):
    """Every orphan listed goes, one VDI.destroy after the other, as one task; a failure stops there
    (the dialog says which disk refused; those before it are gone, as the list said)."""
    steps = [{"call": sr_disks.destroy_call(ref)} for ref, _vdi in spec["orphans"]]
    sr = state.cache.get("SR", spec["sr"]) or {}
    title = state.t("job.orphans", count=str(len(steps)), sr=sr.get("name_label") or "")
    return dialogs.run_job(state, spec, jobs.Job(title, steps, "SR", spec["sr"]),
                             lambda results: state.notify(state.t("disk.orphans.done", count=str(len(steps)))))


# ---- actions -------------------------------------------------------------------------------------
def on_new(state, payload):
    ref = (payload.get("data") or {}).get("ref") or ""
    if state.cache.get("SR", ref) is not None:
        dialogs.show(state, "disk.new", sr=ref, name="", disk_size="", description="", errors={})


def on_orphans(state, payload):
    ref = (payload.get("data") or {}).get("ref") or ""
    sr = state.cache.get("SR", ref)
    if sr is None:
        return
    found = [(row["ref"], row["vdi"]) for row in listing(state, ref, sr)["orphans"]]
    if found:
        dialogs.show(state, "disk.orphans", sr=ref, orphans=found, size="wide")


def on_act(state, payload):
    data = payload.get("data") or {}
    op, ref = data.get("op"), data.get("ref") or ""
    vdi = state.cache.get("VDI", ref)
    if vdi is None or op not in ("rename", "resize", "delete"):
        return
    sr = state.cache.get("SR", vdi.get("SR") or "") or {}
    why = None
    if op == "resize":
        why = sr_disks.resize_refusal(state.cache, vdi, sr.get("content_type") == "iso")
    elif op == "delete":
        why = sr_disks.delete_refusal(state.cache, vdi)
    if why is not None:
        state.notify(state.t(why[0], **why[1]), here=True)
        return
    label = vdi.get("name_label") or vdi.get("uuid") or ""
    if op == "rename":
        dialogs.show(state, "disk.rename", vdi=ref, label=label, name=vdi.get("name_label") or "",
                     description=vdi.get("name_description") or "", errors={})
    else:
        dialogs.show(state, "disk." + op, vdi=ref, label=label, disk_size="", errors={})


def on_more(state, payload):
    key = "srdisks.limit:" + ((payload.get("data") or {}).get("ref") or "")
    state.ui[key] = int(state.ui.get(key) or PAGE_SIZE) + PAGE_SIZE


dialogs.register("disk.new", new_render, new_submit)
dialogs.register("disk.rename", rename_render, rename_submit)
dialogs.register("disk.resize", resize_render, resize_submit)
dialogs.register("disk.delete", delete_render, delete_submit)
dialogs.register("disk.orphans", orphans_render, orphans_submit)
actions = {"disk.new": on_new, "disk.orphans": on_orphans, "disk.act": on_act, "disk.more": on_more}
