"""Where things are in the source tree, and the version/revision a build is stamped with."""
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def version():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def git(*args):
    """Output of a git command in the source tree, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def build_info(base_url):
    """The stamp recorded in manifest.json and shown on the first screen."""
    return {
        "name": "xcplite",
        "version": version(),
        "revision": git("rev-parse", "HEAD") or "unknown",
        "base_url": base_url,
    }
