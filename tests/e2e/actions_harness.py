"""Shared pieces of the browser tests of VM actions (tests/e2e/test_actions_*.py).

Each module starts its own pool (fast simulated operations unless it needs slow ones), signs in once
and shares that page between its tests (a sign-in costs seconds on two cores); the page's guard is
checked when the module ends. What the app did is always read back through the XenAPI SDK.
"""

import pytest

from harness import Guard, sign_in
from support import waiting

FAST = ("--op-time", "0.05")
WAIT_S = 15


class Pool:
    """The XenAPI SDK on a simulated pool, with the lookups the tests need."""

    def __init__(self, sim):
        self.sim = sim
        self.session = sim.sdk()
        self.x = self.session.xenapi

    def close(self):
        self.session.xenapi.session.logout()

    def vm(self, name):
        """The ref of the VM (not a snapshot or template) named `name`."""
        for ref in self.x.VM.get_by_name_label(name):
            record = self.x.VM.get_record(ref)
            if not record["is_a_snapshot"] and not record["is_a_template"]:
                return ref
        raise KeyError(name)

    def record(self, name):
        return self.x.VM.get_record(self.vm(name))

    def host_named(self, name):
        return self.x.host.get_by_name_label(name)[0]

    def orphans(self):
        """VDIs no VBD uses, other than ISOs, the tools ISO, suspend images of VMs and the hidden
        base copies of VHD chains (managed=false: parents of snapshots and clones)."""
        vdis, srs, vms = self.x.VDI.get_all_records(), self.x.SR.get_all_records(), self.x.VM.get_all_records()
        suspend = {vm["suspend_VDI"] for vm in vms.values()}
        return [vdi["name_label"] for ref, vdi in vdis.items()
                if not vdi["VBDs"] and not vdi["is_tools_iso"] and srs[vdi["SR"]]["content_type"] != "iso"
                and ref not in suspend and vdi["managed"]]


def wait_for(predicate, timeout=WAIT_S, what="the condition"):
    """Poll `predicate()` until it is truthy; returns its value or fails with `what`."""
    return waiting.wait_for(predicate, timeout, 0.1, what)


class Session:
    """One browser context signed in to a pool, shared by a module's tests."""

    def __init__(self, browser, cdn, sim, route="#/vms"):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.guard = Guard(self.context, {cdn.origin} | sim.origins, [cdn])
        self.sim = sim
        self.page = sign_in(self.context.new_page(), sim, self.guard, route)

    def goto(self, route):
        self.page.goto(self.sim.url + route)

    def open_vm(self, pool, name):
        """The VM's page, once its toolbar and its whole record (the disks card) are shown."""
        uuid = pool.record(name)["uuid"]
        self.goto("#/vm/" + uuid)
        self.page.get_by_role("toolbar", name="VM actions").wait_for()
        self.page.locator("section[key='vm-disks'] table").wait_for(timeout=WAIT_S * 1000)
        return self.page

    def close(self):
        problems = self.guard.violations()
        if problems:
            self.guard.save("actions-" + self.sim.origin.split(":")[-1], self.context.pages)
        self.context.close()
        assert not problems, "browser checks failed:\n  " + "\n  ".join(problems)


def module_fixtures(**pool_args):
    """(pool, sdk, app) module fixtures: a pool started with `pool_args`, the SDK on it, and one
    signed-in page. Bind them at module level: `pool, sdk, app = module_fixtures(...)`."""
    @pytest.fixture(scope="module")
    def pool(start_sim):
        return start_sim(**pool_args)

    @pytest.fixture(scope="module")
    def sdk(pool):
        found = Pool(pool)
        yield found
        found.close()

    @pytest.fixture(scope="module")
    def app(browser, cdn, pool):
        session = Session(browser, cdn, pool)
        yield session
        session.close()

    return pool, sdk, app


def power(sdk, name):
    return sdk.x.VM.get_power_state(sdk.vm(name))
