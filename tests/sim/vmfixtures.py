"""Helpers for VM operation tests: a small in-process pool and VMs made through the API.

`pool()` builds a two-host simulator without sockets (operations take ~1 ms of simulated time).
`make_vm(p, state)` installs a VM the way clients do (clone a default template, point its
provision spec at the default SR as the xe CLI does, provision, set_is_a_template false, an
installed system with the guest agent on its disk, start on the second host) and brings it to
`state`; `make_kind` adds the special VMs of the power table: default template, snapshot,
checkpoint, control domain.
"""
import re

from xapi_sim import guests, inventory
from xapi_sim.errors import XapiFailure
from xapi_sim.sim import Config, Simulator

NULL = "OpaqueRef:NULL"


class Pool:
    def __init__(self, sim, session):
        self.sim = sim
        self.db = sim.db
        self.session = session
        self.master = sim.master_ref()
        self.member = [h for h in sorted(self.db.all("host")) if h != self.master][0]

    async def call(self, method, *params):
        return await self.sim.call(method, [self.session] + list(params))

    async def error(self, method, *params):
        """The ErrorDescription of a call expected to fail."""
        try:
            await self.call(method, *params)
        except XapiFailure as err:
            return err.description
        raise AssertionError("%s%r succeeded" % (method, params))

    def vm(self, ref):
        return self.db.record("VM", ref)

    def template(self, name="Debian Bookworm 12"):
        return [r for r in self.db.all("VM") if self.db.get("VM", r)["is_default_template"]
                and self.db.get("VM", r)["name_label"] == name][0]

    def default_sr_uuid(self):
        sr = self.db.get("pool", self.db.all("pool")[0])["default_SR"]
        return self.db.get("SR", sr)["uuid"]

    def dom0(self, host=None):
        return self.db.get("host", host or self.master)["control_domain"]


async def pool(op_time=0.001, hosts=2, vms=1):
    sim = Simulator(Config(hosts=hosts, vms=vms, op_time=op_time))
    inventory.build(sim)
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    return Pool(sim, session)


async def point_disks_at(p, vm, sr_uuid):
    """What xe vm-install does before VM.provision: every disk of the spec goes to `sr_uuid`."""
    other = p.vm(vm)["other_config"]
    await p.call("VM.remove_from_other_config", vm, "disks")
    await p.call("VM.add_to_other_config", vm, "disks",
                 re.sub(r'sr="[^"]*"', 'sr="%s"' % sr_uuid, other["disks"]))


def install_os(p, vm, os_key="debian-12"):
    """The installer wrote a system with the guest agent to the VM's first disk."""
    vbds = sorted(p.vm(vm)["VBDs"], key=lambda b: p.db.get("VBD", b)["userdevice"])
    guests.mark(p.db, p.db.get("VBD", vbds[0])["VDI"], os_key)


async def install(p, name="test-vm"):
    """clone -> provision (disks on the default SR) -> set_is_a_template(false), an installed
    system, and one NIC on the first network."""
    vm = await p.call("VM.clone", p.template(), name)
    await point_disks_at(p, vm, p.default_sr_uuid())
    await p.call("VM.provision", vm)
    await p.call("VM.set_is_a_template", vm, False)
    install_os(p, vm)
    network = sorted(p.db.all("network"))[0]
    await p.call("VIF.create", {"device": "0", "network": network, "VM": vm, "MAC": "",
                                "MTU": 1500, "other_config": {}, "qos_algorithm_type": "",
                                "qos_algorithm_params": {}})
    return vm


async def make_vm(p, state, name="test-vm"):
    vm = await install(p, name)
    if state == "Halted":
        return vm
    await p.call("VM.start_on", vm, p.member, state == "Paused", False)
    if state == "Suspended":
        await p.call("VM.suspend", vm)
    return vm


async def make_kind(p, kind):
    """A VM of `kind`: a power state, or template / snapshot / checkpoint / dom0."""
    if kind == "template":
        return p.template()
    if kind == "dom0":
        return p.dom0(p.member)
    if kind in ("snapshot", "checkpoint"):
        vm = await make_vm(p, "Running", "snapshot source")
        return await p.call("VM." + kind, vm, kind)
    return await make_vm(p, kind)
