"""The console's reading of its input: when Enter runs it, and how it is run (statements, the shown
expression, top-level await through an async wrapper). Compiled and run here with Python's own
compile/exec, so the plans are checked by the interpreter itself (CPython and MicroPython)."""
from lite_app.logic import pysource


def test_enter_runs_a_complete_line_and_waits_for_the_end_of_a_block():
    assert pysource.complete("len(x)")
    assert not pysource.complete("")
    assert not pysource.complete("for vm in vms:")
    assert not pysource.complete("for vm in vms:\n    print(vm)")
    assert pysource.complete("for vm in vms:\n    print(vm)\n")
    assert not pysource.complete("print(1,")
    assert not pysource.complete("s = '''a\n\n")
    assert not pysource.complete("x = 1 + \\")
    assert pysource.complete("x = ':'  # a colon in a string and a comment:")


def test_the_next_line_keeps_the_indentation_and_adds_a_level_after_a_colon():
    assert pysource.newline_indent("    x = 1") == "    "
    assert pysource.newline_indent("    if x:  # why") == "        "


def test_the_scanner_skips_strings_comments_and_attributes():
    found = pysource.scan("a = b.c + 'd e' # f\nr'g' + h")
    assert found.names == ["a", "b", "h"]


def run(text):
    """Run a plan as the console does; returns (namespace, shown value)."""
    plan = pysource.plan(text, compile)
    namespace = {}
    exec(compile(plan.source, "<console>", "exec"), namespace)
    if plan.is_async:
        return namespace, namespace.pop(pysource.ENTRY)
    value = eval(compile(plan.expression_source(), "<console>", "eval"), namespace) if plan.expression else None
    return namespace, value


def test_the_last_expression_is_shown_and_statements_are_not():
    namespace, value = run("x = 20\nx + 22")
    assert (namespace["x"], value) == (20, 42)
    assert run("y = 1")[1] is None
    assert run("for i in range(3):\n    pass")[1] is None
    assert run("if True:\n    z = 1\nelse:\n    z = 2")[0]["z"] == 1


async def later(value):
    return value


async def test_top_level_await_assigns_in_the_namespace_and_returns_the_last_value():
    namespace, entry = run("a = await later(5)\nb = [i * a for i in range(3)]\nawait later(sum(b))")
    namespace["later"] = later
    assert await entry() == 15
    assert namespace["a"] == 5 and namespace["b"] == [0, 5, 10]
    assert "i" not in namespace  # the comprehension's own variable stays its own


async def test_functions_loops_and_imports_defined_with_await_are_kept():
    text = "import json\nasync def twice(x):\n    return 2 * await later(x)\nfor n in range(2):\n    last = await twice(n)"
    namespace, entry = run(text)
    namespace["later"] = later
    assert await entry() is None
    assert namespace["last"] == 2 and "json" in namespace
    assert await namespace["twice"](4) == 8


async def test_a_multi_line_string_keeps_its_text_when_wrapped():
    namespace, entry = run('s = """one\n  two\nthree"""\nawait later(s)')
    namespace["later"] = later
    assert await entry() == "one\n  two\nthree"


def test_the_wrapper_adds_a_known_number_of_lines():
    plan = pysource.plan("await x", compile)
    assert plan.is_async and plan.line_offset == pysource.WRAP_LINES
    assert plan.source.split("\n")[pysource.WRAP_LINES] == "    return ("
