"""Pages' code arrives on first use: which page groups are installed, loading them, prefetching.

The bundle's first file holds what the login screen and the shell import; each page group
(lite_app/shell/pages.py GROUPS, split at build time by devserver/splitting.py) is a file of its
own. A page is ready when every group it needs is installed in the interpreter's file system; until
then the shell shows it as loading and asks for the groups. While the login form waits, the groups
of the page the address names are fetched; after login, the others, one per idle moment, so a first
visit normally finds its code already there and only compiles it.

Under CPython and in tests every source is on disk already: the env reports no groups, so every page
is ready.
Each group brings its strings too (lite_app/text/catalog.py add_group), added as it is installed.
"""
import sys

from lite_app.text import catalog

# Written with each group's sources (devserver/bundle.py): its modules' dotted names, one a line, each
# after the group's modules it imports. Compiled in that order, one per idle moment, a prefetched group
# never holds the browser for longer than its largest module takes to compile (a page's whole closure at
# once was 70-230 ms with a 10,000-VM pool's events waiting behind it).
WARM_ORDER = "lite_app/warm/%s.txt"


class Loader:
    """`changed()` is called after each group's load ends, whether it worked or not; `warm(group)`,
    when given, imports a prefetched group's pages (compiling them) in a later idle moment, so the
    first visit finds them ready."""

    def __init__(self, env, changed=None, warm=None):
        self.env = env
        self.changed = changed
        self.warm = warm
        self.page_groups = env.page_groups() or {}
        self.installed = set()
        self.loading = {}   # group -> True while its file is being fetched
        self.failed = set()  # groups whose last load failed (refused, missing, unreachable)

    def missing(self, page):
        return [g for g in self.page_groups.get(page, ()) if g not in self.installed]

    def ready(self, page):
        return not self.missing(page)

    def refused(self, page):
        """True when a group the page needs failed to load and none is being tried again."""
        return any(g in self.failed and g not in self.loading for g in self.missing(page))

    def retry(self, page):
        for group in self.missing(page):
            self.failed.discard(group)

    def wanted(self, page):
        """True when the page needs a group nobody is loading and that has not failed."""
        return any(g not in self.loading and g not in self.failed for g in self.missing(page))

    async def load(self, page):
        """Install every group the page needs; True when the page is ready."""
        for group in self.missing(page):
            if group not in self.loading:
                await self.install(group)
        return self.ready(page)

    async def install(self, group):
        if group in self.installed or group in self.loading:
            return
        self.loading[group] = True
        try:
            await self.env.load_group(group)
        except Exception as error:  # refused, missing or unreachable: the page says so
            self.failed.add(group)
            print("xcplite: page code did not load:", group, repr(error))
        else:
            catalog.add_group(group)
            self.installed.add(group)
            self.failed.discard(group)
        finally:
            del self.loading[group]
        if self.changed is not None:
            self.changed()

    async def prefetch(self, pages=None):
        """Install the groups of `pages` (all pages when None), one per idle moment of the browser, then
        compile them ahead: every group is in before any is compiled, so a page needing two groups is
        ready as soon as they arrived (a login right after the form was ready found its second group
        still waiting behind the first's compiling). Failures are left for the visit to report."""
        names = sorted(self.page_groups) if pages is None else pages
        fetched = []
        for page in names:
            for group in self.missing(page):
                if group not in self.loading and group not in self.failed:
                    await self.env.idle()
                    await self.install(group)
                    if group in self.installed:
                        fetched.append(group)
        if self.warm is None:
            return
        for group in fetched:
            await self.compile_ahead(group)
            await self.env.idle()
            self.warm(group)

    async def compile_ahead(self, group):
        """Import the group's modules one per idle moment, in WARM_ORDER (stops at one that fails:
        the visit shows the error)."""
        for name in self.module_order(group):
            if name in sys.modules:
                continue
            await self.env.idle()
            try:
                __import__(name)
            except Exception as error:
                print("xcplite: page code did not compile:", name, repr(error))
                return

    def module_order(self, group):
        """The group's module names in WARM_ORDER; [] when the bundle wrote none (every source on disk)."""
        try:
            with open(WARM_ORDER % group) as f:
                return [line for line in f.read().split("\n") if line]
        except OSError:
            return []
