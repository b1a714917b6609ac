"""Smaller Python sources for the browser: docstrings and comments out, line numbers kept.

The app ships its Python as source that MicroPython compiles at start-up, so every docstring and
comment costs download bytes and compile time on the login path. `strip(source)` replaces each
docstring by `0` (a statement that does nothing, so a body never becomes empty) followed by blank
lines, and cuts comments, leaving every other line where it was: a traceback from the browser still
names the right line of the repository's file.
"""
import ast
import io
import tokenize


def docstring_lines(tree):
    """[(first line, last line, column)] of every module, class and function docstring."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.append((first.lineno, first.end_lineno, first.col_offset))
    return found


def comment_cuts(source):
    """{line number: column where its comment starts}."""
    cuts = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            cuts[token.start[0]] = token.start[1]
    return cuts


def strip(source):
    """`source` without docstrings and comments, with the same number of lines."""
    tree = ast.parse(source)
    lines = source.split("\n")
    for number, column in comment_cuts(source).items():
        lines[number - 1] = lines[number - 1][:column].rstrip()
    for first, last, column in docstring_lines(tree):
        lines[first - 1] = " " * column + "0"
        for number in range(first + 1, last + 1):
            lines[number - 1] = ""
    return "\n".join(lines)
