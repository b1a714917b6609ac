"""Running a New VM plan as one operation: every step shown, everything undone when one fails.

Pure (CPython and MicroPython): the calls go through an `io` object the shell provides —
`await io.call(method, params)` (an `Async.*` method is followed to the end of its task),
`await io.upload(vdi, data)` (PUT /import_raw_vdi), `io.changed()` (re-render) and
`await io.progress(fraction)` (the XAPI task standing for the whole creation). A `Creation` records
each step's state and what exists so far (the VM, disks not yet attached to it); when a step
fails, `undo` removes the VM and every disk this creation made — a running VM is stopped first,
ISO images it borrowed are left alone — and the creation says which step failed and why.
"""
from lite_app.logic import cloudinit, isoimage
from lite_app.xapi.cache import NULL_REF

MiB = 1024 ** 2
STEP_KEYS = {"clone": "newvm.step.clone", "provision": "newvm.step.provision", "settings": "newvm.step.settings",
             "disk": "newvm.step.disk", "cd": "newvm.step.cd", "nics": "newvm.step.nics",
             "cloud": "newvm.step.cloud", "start": "newvm.step.start", "vtpm": "newvm.step.vtpm"}


class Creation:
    """One run of a plan: steps {"name", "data", "status": waiting|running|done|failed}."""

    def __init__(self, steps, name):
        self.name = name
        self.steps = [{"name": s, "data": d, "status": "waiting"} for s, d in steps]
        self.vm = None
        self.vm_uuid = ""
        self.loose = []          # VDIs made but not (yet) attached to the VM
        self.failed = None       # index of the failed step
        self.error = None
        self.undo_error = None   # what could not be removed, when undoing failed too
        self.finished = False
        self.task = None

    def fraction(self):
        done = len([s for s in self.steps if s["status"] == "done"])
        return done / float(len(self.steps) or 1)

    def ok(self):
        return self.finished and self.failed is None


async def run(creation, io):
    """Run every step; on a failure undo what was made. True when the VM was created."""
    for index, step in enumerate(creation.steps):
        step["status"] = "running"
        io.changed()
        try:
            await STEPS[step["name"]](creation, io, step["data"])
        except Exception as error:  # the creation must end cleanly whatever went wrong
            step["status"] = "failed"
            creation.failed, creation.error = index, error
            await undo(creation, io)
            creation.finished = True
            io.changed()
            return False
        step["status"] = "done"
        await io.progress(creation.fraction())
        io.changed()
    creation.finished = True
    io.changed()
    return True


async def undo(creation, io):
    """Remove the VM (stopped first), its disks and the loose ones; ISOs and shared disks stay."""
    vm = creation.vm
    try:
        if vm is not None:
            power = await io.call("VM.get_power_state", [vm])
            if power != "Halted":
                await io.call("Async.VM.hard_shutdown", [vm])
            own = await disks_of(io, vm)
            await io.call("VM.destroy", [vm])
            creation.loose.extend(v for v in own if v not in creation.loose)
        for vdi in list(creation.loose):
            await io.call("VDI.destroy", [vdi])
            creation.loose.remove(vdi)
        creation.vm = None
    except Exception as error:  # reported beside the first error: the user must know what is left
        creation.undo_error = error


async def disks_of(io, vm):
    """The VDIs of the VM's disk drives (not its CD drive's image)."""
    out = []
    for vbd in await io.call("VM.get_VBDs", [vm]):
        record = await io.call("VBD.get_record", [vbd])
        if record.get("type") == "Disk" and record.get("VDI") not in (None, "", NULL_REF):
            out.append(record["VDI"])
    return out


# ---- the steps -------------------------------------------------------------------------------------
async def clone(creation, io, data):
    creation.vm = await io.call("Async.VM.clone", [data["template"], data["name"]])
    creation.vm_uuid = await io.call("VM.get_uuid", [creation.vm])


async def provision(creation, io, data):
    vm = creation.vm
    await io.call("VM.remove_from_other_config", [vm, "disks"])
    if data["spec"]:
        await io.call("VM.add_to_other_config", [vm, "disks", data["spec"]])
    await io.call("Async.VM.provision", [vm])


async def settings(creation, io, data):
    vm = creation.vm
    if await io.call("VM.get_is_a_template", [vm]):   # a template without a provision spec
        await io.call("VM.set_is_a_template", [vm, False])
    if data["description"]:
        await io.call("VM.set_name_description", [vm, data["description"]])
    for tag in data["tags"]:
        await io.call("VM.add_tags", [vm, tag])
    if data["affinity"] != NULL_REF:
        await io.call("VM.set_affinity", [vm, data["affinity"]])
    await set_vcpus(io, vm, data["vcpus"])
    await io.call("VM.set_memory_limits", [vm] + list(data["memory"]))
    await io.call("VM.set_HVM_boot_params", [vm, data["boot"]])
    await io.call("VM.set_platform", [vm, data["platform"]])


async def vtpm(creation, io, data):
    """A virtual TPM (the VM is still halted; destroying the VM on a later failure removes it)."""
    await io.call("VTPM.create", [creation.vm, False])


async def set_vcpus(io, vm, count):
    """VCPUs_at_startup <= VCPUs_max after each call (XAPI checks every step)."""
    current = int(await io.call("VM.get_VCPUs_at_startup", [vm]))
    if count >= current:
        await io.call("VM.set_VCPUs_max", [vm, count])
        await io.call("VM.set_VCPUs_at_startup", [vm, count])
    else:
        await io.call("VM.set_VCPUs_at_startup", [vm, count])
        await io.call("VM.set_VCPUs_max", [vm, count])


def vdi_record(name, sr, size, description=""):
    return {"name_label": name, "name_description": description, "SR": sr, "virtual_size": size,
            "type": "user", "sharable": False, "read_only": False, "other_config": {}, "xenstore_data": {},
            "sm_config": {}, "tags": []}


def vbd_record(vm, vdi, kind="Disk", mode="RW", bootable=False, userdevice="autodetect"):
    return {"VM": vm, "VDI": vdi, "userdevice": userdevice, "bootable": bootable, "mode": mode,
            "type": kind, "empty": vdi == NULL_REF, "unpluggable": kind != "Disk" or not bootable,
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}


async def attach_new_disk(creation, io, name, sr, size, mode="RW", description=""):
    vdi = await io.call("VDI.create", [vdi_record(name, sr, size, description)])
    creation.loose.append(vdi)
    await io.call("VBD.create", [vbd_record(creation.vm, vdi, mode=mode)])
    creation.loose.remove(vdi)
    return vdi


async def disk(creation, io, data):
    await attach_new_disk(creation, io, data["name"], data["sr"], data["size"])


async def cd(creation, io, data):
    """The ISO in the VM's CD drive (the template's own empty drive if it has one), or an empty
    drive for later (HVM guests only: a PV guest has no emulated drive)."""
    vm, iso = creation.vm, data["iso"]
    for vbd in await io.call("VM.get_VBDs", [vm]):
        record = await io.call("VBD.get_record", [vbd])
        if record.get("type") == "CD":
            if iso != NULL_REF and record.get("empty"):
                await io.call("VBD.insert", [vbd, iso])
            return
    if iso != NULL_REF or data["hvm"]:
        await io.call("VBD.create", [vbd_record(vm, iso, "CD", "RO", iso != NULL_REF, "3")])


async def nics(creation, io, data):
    """The cards the form lists, in order (a template's own cards are replaced)."""
    vm = creation.vm
    for vif in await io.call("VM.get_VIFs", [vm]):
        await io.call("VIF.destroy", [vif])
    for device, nic in enumerate(data["nics"]):
        await io.call("VIF.create", [{"device": str(device), "network": nic["network"], "VM": vm,
                                      "MAC": nic["mac"], "MTU": int(data["mtu"].get(nic["network"]) or 1500),
                                      "other_config": {}, "qos_algorithm_type": "",
                                      "qos_algorithm_params": {}, "locking_mode": "network_default"}])


def drive_image(conf, instance_id):
    return isoimage.build(cloudinit.files(conf, instance_id))


async def cloud(creation, io, data):
    """Build the NoCloud drive, upload it into a new disk, attach the disk read-only."""
    image = drive_image(data["config"], creation.vm_uuid)
    size = -(-len(image) // MiB) * MiB
    vdi = await io.call("VDI.create", [vdi_record("cloud-init config drive", data["sr"], size,
                                                  "NoCloud configuration (cidata)")])
    creation.loose.append(vdi)
    await io.upload(vdi, image)
    await io.call("VBD.create", [vbd_record(creation.vm, vdi, mode="RO")])
    creation.loose.remove(vdi)


async def start(creation, io, data):
    await io.call("Async.VM.start", [creation.vm, False, False])


STEPS = {"clone": clone, "provision": provision, "settings": settings, "vtpm": vtpm, "disk": disk, "cd": cd,
         "nics": nics, "cloud": cloud, "start": start}
