"""Splits the app's Python sources into the start-up file and page groups loaded on first use.

The first download holds what the login screen and the shell need: the closure of lite_app/main.py
and lite_app/browser.py over every `import` of a lite_app module (top-level or inside a function,
since the shell may run either). Pages are imported by name (lite_app/shell/pages.py PAGES), so each
page's own closure, less what the start-up file has, is code that can wait for the first visit.

lite_app/shell/pages.py GROUPS names the page groups; a module goes to the first group (in GROUPS'
order) one of whose pages needs it, and a page needs every group holding a module of its closure.
A module that no root or page reaches goes to the last group, so nothing is ever missing.
"""
import ast

CORE_ROOTS = ("lite_app/__init__.py", "lite_app/main.py", "lite_app/browser.py")


def module_file(name, sources):
    """The source path of dotted module `name` among `sources` (module or package); None if absent."""
    base = name.replace(".", "/")
    for path in (base + ".py", base + "/__init__.py"):
        if path in sources:
            return path
    return None


def _imported_names(tree):
    """Dotted names of the lite_app modules a module's import statements may load."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(node.module + "." + a.name for a in node.names)
    return {n for n in names if n == "lite_app" or n.startswith("lite_app.")}


def imports(path, sources):
    """Source paths `path` imports, with the packages Python runs on the way (lite_app/__init__.py…)."""
    found = set()
    for name in _imported_names(ast.parse(sources[path], filename=path)):
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            hit = module_file(".".join(parts[:i]), sources)
            if hit is not None:
                found.add(hit)
    return found


def closure(roots, sources):
    """`roots` and every source they import, directly or not."""
    seen, todo = set(), [r for r in roots if r in sources]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(imports(path, sources) - seen)
    return seen


def split(sources, pages, groups):
    """(start-up paths, {group: paths}, {page: [group, ...]}).

    `sources` {path: text}; `pages` {page: dotted module}; `groups` ((group, (page, ...)), ...)."""
    core = closure(CORE_ROOTS, sources)
    wanted = {}
    for page, module in pages.items():
        path = module_file(module, sources)
        if path is None:
            raise ValueError("page %s: no source for %s" % (page, module))
        wanted[page] = closure([path], sources) - core
    grouped = {page for _name, group_pages in groups for page in group_pages}
    if set(pages) - grouped:
        raise ValueError("pages in no group: %s" % ", ".join(sorted(set(pages) - grouped)))
    members, placed = {}, set()
    for name, group_pages in groups:
        members[name] = set()
        for page in group_pages:
            members[name] |= wanted.get(page, set()) - placed
        placed |= members[name]
    members[groups[-1][0]] |= set(sources) - core - placed
    page_groups = {page: [name for name, _p in groups if members[name] & wanted[page]]
                   for page in pages}
    return core, members, page_groups


def module_name(path):
    """The dotted module name of a source path (a package's __init__.py is the package)."""
    name = path[:-3].replace("/", ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


def warm_order(paths, sources):
    """Dotted names of the modules at `paths`, each after those of `paths` it imports: imported in this
    order, one per idle moment, each import compiles one module rather than a page's whole closure."""
    order, seen = [], set()

    def visit(path):
        if path in seen:
            return
        seen.add(path)
        for dependency in sorted(imports(path, sources) & paths):
            visit(dependency)
        order.append(module_name(path))

    for path in sorted(paths):
        visit(path)
    return order
