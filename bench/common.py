"""What the browser benchmarks share: the project on sys.path, the browser they launch, figure summaries."""
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def spread(values, digits=1):
    """{"median", "min", "max"} of a list of figures, rounded."""
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits)}


def signed_build(tmp, base_url):
    """Build the bundle into tmp/dist signed with a throwaway release key; (dist, [public key]) for the stub."""
    import time
    from devserver import bundle, release
    key = Path(tmp) / "release-key"
    if not key.exists():
        release.keygen(key)
    dist = Path(tmp) / "dist"
    bundle.build(dist, base_url, int(time.time()), sign_key=key)
    return dist, [release.load_public(release.public_file(key))]
