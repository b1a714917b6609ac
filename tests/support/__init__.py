"""Helpers shared by the CPython test suites (tests/sim, tests/e2e, tests/arch): waiting on conditions
instead of sleeping, and talking to a simulated pool. pytest puts tests/ on sys.path (pyproject.toml), so
`from support.waiting import until` works from any suite. The pure suite (tests/pure) runs under
MicroPython too and keeps its own helpers there."""
