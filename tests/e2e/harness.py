"""Browser test harness: the servers a test talks to, and a guard that fails tests on bad page behaviour.

A Guard watches one browser context and records violations:
- a request to any origin other than the test's own servers (the app must never reach the internet),
- a console error or an uncaught page error (unless the test declared it expected),
- the CDN receiving the `session_id` cookie (checked from the CDN's own request log).
On failure, the screenshot and the console log are kept under test-results/.
"""
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
LOCAL_SCHEMES = ("data:", "blob:", "about:")
CONTROL_TOKEN = re.compile(r"control token (\S+)")
WAIT_MS = 20000


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = "{runOnly: ['wcag2a', 'wcag2aa', 'best-practice'], resultTypes: ['violations']}"


def axe_violations(page, selector=None, keep=None):
    """axe-core's violations [(rule, impact, first targets)] in the page or in the `selector` element;
    axe is inlined by Playwright, so no request leaves the test origins."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # once per document: it is 0.5 MB to parse
        page.add_script_tag(path=str(AXE))
    scope = "{include: [['%s']]}" % selector if selector else "document"
    result = page.evaluate("axe.run(%s, %s)" % (scope, AXE_RULES))
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:keep]) for v in result["violations"]]


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Cdn:
    """A running CDN origin (devserver.cdn child) and its request log."""

    def __init__(self, child):
        self.child = child
        self.url = child.url + "/"
        self.origin = origin(child.url)

    def requests(self):
        with urllib.request.urlopen(self.origin + "/_dev/requests", timeout=10) as reply:
            return [r for r in json.load(reply) if r["path"] != "/_dev/requests"]


class Sim:
    """A running simulated pool: master URL, password, every origin of its members, and its faults."""

    def __init__(self, child, password, hosts):
        self.child = child
        self.url = child.url + "/"
        self.origin = origin(child.url)
        self.password = password
        port = urlsplit(child.url).port
        # members listen on the same port at 127.0.0.2, 127.0.0.3 ...
        self.origins = {self.origin} | {f"http://127.0.0.{i}:{port}" for i in range(2, hosts + 1)}
        self.cdn_url = ""

    @property
    def control_token(self):
        """The token the simulator printed at start (it guards /_sim/fault/)."""
        for line in self.child.output:
            found = CONTROL_TOKEN.search(line)
            if found:
                return found.group(1)
        raise RuntimeError("the simulator printed no control token:\n" + self.child.log())

    def fault(self, name, **args):
        """POST /_sim/fault/<name> (latency, hang, reset_connections, expire_sessions, restart, move_master)."""
        request = urllib.request.Request(f"{self.origin}/_sim/fault/{name}", data=json.dumps(args).encode(),
                                         headers={"X-Sim-Token": self.control_token,
                                                  "Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply)

    def sdk(self):
        """A XenAPI SDK session (XML-RPC) logged in as root; call .xenapi.session.logout() when done."""
        import XenAPI  # only the tests that drive the pool need the SDK
        session = XenAPI.Session(self.url)
        session.xenapi.login_with_password("root", self.password)
        return session


class Guard:
    """Arms the checks on a browser context; `violations()` lists what went wrong."""

    def __init__(self, context, allowed_origins, cdns):
        self.context = context
        self.allowed = set(allowed_origins)
        self.cdns = list(cdns)
        self.marks = {cdn.origin: len(cdn.requests()) for cdn in self.cdns}
        self.expected = []
        self.console = []
        self.problems = []
        context.on("request", self.on_request)
        context.on("page", self.watch)

    def watch(self, page):
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problem(f"uncaught page error: {error}"))

    def expect_console_error(self, pattern):
        """Declare console errors matching this regex (text or source URL) as expected by the test."""
        self.expected.append(re.compile(pattern))

    def allow_origin(self, url):
        self.allowed.add(origin(url))

    def allow_sim(self, sim):
        """A pool started by the test: its members and the CDN URL its stub uses are test origins too."""
        self.allowed.update(sim.origins)
        if sim.cdn_url:
            self.allow_origin(sim.cdn_url)

    def problem(self, text):
        self.problems.append(text)

    def on_request(self, request):
        url = request.url
        if not url.startswith(LOCAL_SCHEMES) and origin(url) not in self.allowed:
            self.problem(f"request outside the test origins: {request.method} {url}")

    def on_console(self, message):
        where = message.location.get("url", "") if message.location else ""
        self.console.append(f"[{message.type}] {message.text} ({where})")
        if message.type == "error" and not any(p.search(message.text) or p.search(where) for p in self.expected):
            self.problem(f"console error: {message.text} ({where})")

    def cookie_leaks(self):
        leaks = []
        for cdn in self.cdns:
            for req in cdn.requests()[self.marks[cdn.origin]:]:
                if req["session_id"]:
                    leaks.append(f"the CDN {cdn.origin} received the session_id cookie: {req['path']}")
        return leaks

    def violations(self):
        return self.problems + self.cookie_leaks()

    def save(self, name, pages):
        """Keep screenshots and the console log of a failed test."""
        folder = RESULTS / re.sub(r"[^\w.-]+", "_", name)
        folder.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(pages):
            try:
                page.screenshot(path=str(folder / f"page{i}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the original failure
                self.console.append(f"(no screenshot of page {i}: {error})")
        text = "\n".join(self.console + ["", "violations:"] + self.violations())
        (folder / "console.log").write_text(text + "\n", encoding="utf-8")
        return folder


def open_app(page, sim, guard=None, route=""):
    """Navigate to a pool's stub (allowing that pool's origins in the guard), optionally at a hash route."""
    if guard is not None:
        guard.allow_sim(sim)
    page.goto(sim.url + route)
    return page


def sign_in(page, sim, guard=None, route="", password=None, keep=False):
    """Open a pool's stub (at `route`, e.g. "#/vms"), log in as root, wait until the app shows its page."""
    open_app(page, sim, guard, route)
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    page.get_by_label("Password").fill(sim.password if password is None else password)
    if keep:
        page.get_by_label("Keep me signed in").check()
    page.get_by_role("button", name="Log in").click()
    page.locator("#xl-app:not([hidden]) #xl-main > *").first.wait_for(timeout=WAIT_MS)
    return page
