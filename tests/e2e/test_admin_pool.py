"""The pool settings page in the browser, read back through the XenAPI SDK: rename and default storage,
the updates of every host (checked when the page is shown), installing them as one task (master first)
and the hosts flagged as needing a reboot until they are rebooted; a repository that cannot be reached."""
import re

from actions_harness import FAST, module_fixtures, wait_for
from harness import RESULTS

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)

WAIT = 20000


def open_pool(app):
    app.goto("#/pool")
    page = app.page
    page.get_by_role("toolbar", name="Pool actions").wait_for(timeout=WAIT)
    return page


def test_the_pool_is_renamed_and_its_default_storage_changed(app, sdk):
    page = open_pool(app)
    ref = sdk.x.pool.get_all()[0]
    local = [s for s, r in sdk.x.SR.get_all_records().items() if r["content_type"] != "iso" and r["type"] in ("ext", "lvm")]
    page.get_by_role("toolbar", name="Pool actions").get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit pool")
    dialog.get_by_label("Name", exact=True).fill("")
    dialog.get_by_role("button", name="Save").click()
    dialog.get_by_text("The name cannot be empty.").wait_for(timeout=WAIT)
    dialog.get_by_label("Name", exact=True).fill("Lab pool")
    dialog.get_by_label("Default storage repository").select_option(value=local[0])
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert sdk.x.pool.get_name_label(ref) == "Lab pool" and sdk.x.pool.get_default_SR(ref) == local[0]
    page.get_by_role("heading", name="Lab pool").wait_for(timeout=WAIT)


def test_updates_are_listed_per_host_installed_master_first_and_the_reboot_flag_shown(app, sdk):
    page = open_pool(app)
    hosts = sdk.x.host.get_all_records()
    master = sdk.x.pool.get_master(sdk.x.pool.get_all()[0])
    updates = page.locator("section[key='pool-updates']")
    for ref, host in hosts.items():
        updates.get_by_role("table", name="Pending updates of " + host["name_label"]).wait_for(timeout=WAIT)
    # each host's pending packages, as the updater plugin lists them
    pending = {}
    for ref, host in hosts.items():
        import json
        pending[ref] = json.loads(sdk.x.host.call_plugin(ref, "updater.py", "check_update", {}))
        table = updates.get_by_role("table", name="Pending updates of " + host["name_label"])
        for item in pending[ref]:
            table.get_by_role("row").filter(has_text=item["name"]).first.wait_for(timeout=WAIT)
    page.screenshot(path=str(RESULTS / "admin-pool-updates.png"), full_page=True)
    page.get_by_role("toolbar", name="Update actions").get_by_role("button", name="Install updates").click()
    dialog = page.get_by_role("dialog", name="Install updates")
    order = dialog.get_by_role("list", name="Hosts in install order").get_by_role("listitem")
    assert order.first.inner_text().startswith(hosts[master]["name_label"] + ":")
    dialog.get_by_role("button", name="Install updates").click()
    dialog.wait_for(state="detached", timeout=WAIT * 3)
    for ref in hosts:
        assert json.loads(sdk.x.host.call_plugin(ref, "updater.py", "check_update", {})) == []
        assert sdk.x.host.get_other_config(ref).get("rpm_patch_installation_time")
    tasks = [sdk.x.task.get_record(t) for t in sdk.x.task.get_by_name_label("Install updates on 2 hosts")]
    assert [t["status"] for t in tasks] == ["success"]
    rows = page.locator("section[key='pool-hosts']").get_by_role("row")
    for ref, host in hosts.items():
        row = rows.filter(has_text=host["name_label"])
        row.get_by_text("Reboot needed").wait_for(timeout=WAIT)
        row.get_by_text("Up to date").wait_for(timeout=WAIT)
    app.goto("#/host/" + hosts[master]["uuid"])
    page.locator(".xl-page-host .xl-badge", has_text="Reboot needed").wait_for(timeout=WAIT)


def test_a_rebooted_host_is_no_longer_flagged(app, sdk):
    master = sdk.x.pool.get_master(sdk.x.pool.get_all()[0])
    member = [h for h in sdk.x.host.get_all() if h != master][0]
    name = sdk.x.host.get_name_label(member)
    sdk.x.host.disable(member)
    sdk.x.host.evacuate(member)
    sdk.x.host.reboot(member)
    wait_for(lambda: float(sdk.x.host.get_other_config(member).get("boot_time") or 0)
             > float(sdk.x.host.get_other_config(member)["rpm_patch_installation_time"]), timeout=60,
             what="the member booted after its updates")
    page = open_pool(app)
    row = page.locator("section[key='pool-hosts']").get_by_role("row").filter(has_text=name)
    row.get_by_role("cell").last.filter(has_text=re.compile("^No$")).wait_for(timeout=WAIT * 2)
    master_row = page.locator("section[key='pool-hosts']").get_by_role("row").filter(
        has_text=sdk.x.host.get_name_label(master))
    master_row.get_by_text("Reboot needed").wait_for(timeout=WAIT)


def test_an_unreachable_repository_is_said_per_host(app, sdk, pool):
    pool.fault("updates_unreachable", on=True)
    try:
        page = open_pool(app)
        page.get_by_role("toolbar", name="Update actions").get_by_role("button", name="Check for updates").click()
        failed = page.locator("section[key='pool-updates']").get_by_text(re.compile("Check failed: Cannot retrieve repository"))
        failed.first.wait_for(timeout=WAIT)
        assert failed.count() == 2
    finally:
        pool.fault("updates_unreachable", on=False)
