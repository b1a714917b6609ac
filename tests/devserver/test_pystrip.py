"""The build's source stripping: the same program without docstrings and comments, on the same lines."""
import ast
from pathlib import Path

from devserver.pystrip import strip

ROOT = Path(__file__).resolve().parents[2]


def without_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                node.body[0] = ast.Expr(ast.Constant(0))
    return ast.dump(tree)


def test_every_app_module_keeps_its_code_and_its_line_numbers():
    for path in sorted((ROOT / "lite_app").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        stripped = strip(source)
        assert stripped.count("\n") == source.count("\n"), path
        assert ast.dump(ast.parse(stripped)) == without_docstrings(ast.parse(source)), path
        assert len(stripped) < len(source), path


def test_docstrings_comments_and_strings_that_look_like_them():
    source = ('"""Module doc."""\n'
              'X = "# not a comment"  # a comment\n'
              'def f():\n'
              '    """Only a docstring,\n'
              '    on two lines."""\n'
              'class C:\n'
              '    """Doc."""\n'
              '    y = """a string, not a docstring"""\n')
    out = strip(source)
    assert out.split("\n") == ['0', 'X = "# not a comment"', 'def f():', '    0', '', 'class C:', '    0',
                               '    y = """a string, not a docstring"""', '']
    namespace = {}
    exec(compile(out, "stripped", "exec"), namespace)
    assert namespace["X"] == "# not a comment" and namespace["f"]() is None
