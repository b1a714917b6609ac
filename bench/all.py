#!/usr/bin/env python3
"""Every benchmark in one run: bench/load.py, bench/app.py and bench/sim.py, one after the other (never
at once: they measure the same machine), printed as one JSON object.

The object holds each benchmark's own report, the machine it ran on, and `budgets`: every figure
with its budget and whether it is met, so a reader sees at a glance what holds and what does not.
`make bench` runs it. A benchmark reports; it never fails a build.

    .venv/bin/python bench/all.py [--quick]
"""
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
# (benchmark, its arguments, quick arguments)
RUNS = (("load", [], ["--runs", "5"]),
        ("app", [], ["--runs", "2", "--changes", "20"]),
        ("sim", ["--scaled", "20000:64"], []))


def run(name, args):
    """The benchmark's JSON report (its last printed JSON object), or {"error": ...}."""
    done = subprocess.run([sys.executable, str(HERE / (name + ".py"))] + args, capture_output=True, text=True,
                          cwd=HERE.parent)
    text = done.stdout
    start = text.find("{")
    if done.returncode != 0 or start < 0:
        return {"error": "exit %d: %s" % (done.returncode, (done.stderr or text)[-400:])}
    return json.loads(text[start:])


def figure(report, path):
    for part in path:
        if not isinstance(report, dict) or part not in report:
            return None
        report = report[part]
    return report


def budgets(reports):
    """[{name, value, budget, unit, met}] of every budgeted figure."""
    load, app, sim = reports.get("load", {}), reports.get("app", {}), reports.get("sim", {})
    firsts = figure(app, ["dashboard", "first_navigation_ms"]) or {}
    rows = [
        ("login download", figure(load, ["transferred_mb", "median"]), 0.30, "MB", "<="),
        ("login interactive", figure(load, ["interactive_ms", "median"]), 400, "ms", "<="),
        ("login visible", figure(load, ["visible_ms", "median"]), 300, "ms", "<="),
        ("dashboard filled (warm)", figure(app, ["dashboard", "warm_ms", "median"]), 350, "ms", "<="),
        ("first navigation to a page group (slowest)", max(firsts.values()) if firsts else None, 150, "ms", "<="),
        ("10,000 VMs listed (warm)", figure(app, ["vm_list_10000", "warm_ms", "median"]), 1500, "ms", "<="),
        ("20,000 VMs on 64 hosts listed (warm)", figure(app, ["vm_list_20000", "warm_ms", "median"]), 3000, "ms", "<="),
        ("keystroke in the search, 10,000 VMs", figure(app, ["vm_list_10000", "keystroke_ms", "median"]), 50, "ms",
         "<="),
        ("memory at 10,000 VMs (JS heap + wasm)", figure(app, ["vm_list_10000", "memory", "total_mb"]), 60, "MB",
         "<="),
        ("change to DOM p50, 10,000 VMs, activity 50/s", figure(app, ["live_10000", "change_to_dom_ms", "p50"]), 50,
         "ms", "<="),
        ("change to DOM p95, 10,000 VMs, activity 50/s", figure(app, ["live_10000", "change_to_dom_ms", "p95"]), 150,
         "ms", "<="),
        ("change to DOM p50", figure(app, ["dashboard", "change_to_dom_ms", "p50"]), 50, "ms", "<="),
        ("change to DOM p95", figure(app, ["dashboard", "change_to_dom_ms", "p95"]), 150, "ms", "<="),
        ("simulator start, 10,000 VMs", figure(sim, ["startup_s"]), 10.0, "s", "<="),
        ("simulator VM.get_all_records", figure(sim, ["get_all_records_s"]), 1.0, "s", "<="),
        ("simulator calls per second", figure(sim, ["calls_per_second"]), 1000, "/s", ">="),
    ]
    out = []
    for name, value, budget, unit, sense in rows:
        met = None if value is None else (value <= budget if sense == "<=" else value >= budget)
        out.append({"name": name, "value": value, "budget": budget, "unit": unit, "met": met})
    return out


def machine():
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "processor": platform.processor() or platform.machine()}


@click.command()
@click.option("--quick", is_flag=True, help="Fewer runs of each benchmark (a rough figure in minutes).")
def main(quick):
    """Run every benchmark and print one JSON report with the budgets."""
    reports = {}
    for name, args, quick_args in RUNS:
        reports[name] = run(name, args + (quick_args if quick else []))
    print(json.dumps({"machine": machine(), "budgets": budgets(reports), "reports": reports}, indent=2))


if __name__ == "__main__":
    main()
