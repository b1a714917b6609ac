"""SRs on remote servers: NFS (NFSSR.py, nfs.py), SMB (SMBSR.py) and ISO libraries (ISOSR.py).

The checks and their order are the drivers': `load` looks for the required keys, then the server
is resolved (util._testHost: DNSError, NFSTarget), the NFS version checked (NFSVersion), the path
mounted (NFSMount / SMBMount / ISOMountFailure with the mount command's exit code 32) and, when an
SR is created, written to (SharedFileSystemNoWrite). A probe with a server but no serverpath fails
with ConfigServerPathMissing and the exports list the driver printed to stderr, which XAPI passes
on as the error's third parameter (NFSSR.validate_remotepath, sm_exec.ml).
"""
from .. import sm
from .common import Target, pretty, sr_list

MOUNT_FAILED = 32          # mount.nfs / mount.cifs exit code for a refused mount
EROFS = 30
GiB = 1024 ** 3
DOM0_ROOT, DOM0_USED = 18 * GiB, 4 * GiB      # the control domain's root filesystem
TOOLS_ISOS = {"guest-tools.iso": 76 * 1024 ** 2}


def _need(dconf, key, error):
    if not dconf.get(key):
        raise sm.failure(error)
    return dconf[key]


def _nfs_version(dconf):
    version = dconf.get("nfsversion") or "3"
    if not (version == "3" or version.startswith("4")):
        raise sm.python_failure("Invalid nfsversion.")
    return version


def exports_xml(server):
    """What NFSSR prints to stderr when serverpath is missing: <nfs-exports><Export>…"""
    return pretty("nfs-exports", [("Export", [("Target", server.name), ("Path", path),
                                              ("Accesslist", "*")])
                                  for path in sorted(server.areas)]) + "\n"


def _reach(env, name, target_error="NFSTarget"):
    server = env.storage.server(name)
    if server is None:
        raise sm.failure("DNSError")
    if not env.storage.reachable(server, env.address):
        raise sm.failure(target_error)
    return server


def _mount_nfs(env, server, given, path, version):
    if version not in server.versions:
        raise sm.failure("NFSVersion", "Unsupported NFS version: %s" % version)
    area = server.areas.get(path.rstrip("/") or "/")
    if area is None:
        raise sm.failure("NFSMount", "mount failed on server `%s` with return code %d"
                         % (given, MOUNT_FAILED))
    return area


def _canonical(storage, name):
    server = storage.server(name)
    return server.name if server else (name or "").lower()


class Nfs:
    @staticmethod
    def location(storage, dconf, address):
        return ("nfs", _canonical(storage, dconf.get("server")),
                (dconf.get("serverpath") or "").rstrip("/"))

    @staticmethod
    def _prepare(env, dconf, list_exports):
        name = _need(dconf, "server", "ConfigServerMissing")
        version = _nfs_version(dconf)
        server = _reach(env, name)
        if not dconf.get("serverpath"):
            raise sm.failure("ConfigServerPathMissing",
                             stderr=exports_xml(server) if list_exports else "")
        area = _mount_nfs(env, server, name, dconf["serverpath"], version)
        return server, area

    @classmethod
    def probe(cls, env, dconf):
        cls._prepare(env, dconf, True)
        return sr_list(env.srs_at(cls.location(env.storage, dconf, env.address), "nfs"))

    @classmethod
    def create(cls, env, dconf, uuid):
        server, area = cls._prepare(env, dconf, True)
        if not area.writable:
            raise sm.failure("SharedFileSystemNoWrite",
                             "remote filesystem is read-only error is %d" % EROFS)
        return Target(cls.location(env.storage, dconf, env.address), area.size, area.used)

    @classmethod
    def attach(cls, env, dconf, uuid):
        server, area = cls._prepare(env, dconf, False)
        location = cls.location(env.storage, dconf, env.address)
        if uuid not in env.srs_at(location, "nfs"):
            raise sm.failure("NFSMount", "mount failed on server `%s` with return code %d"
                             % (dconf["server"], MOUNT_FAILED))
        return Target(location, area.size, area.used, area.writable)


def parse_unc(unc):
    """(server, share) of \\\\server\\share or //server/share, else None."""
    text = (unc or "").replace("/", "\\")
    parts = [p for p in text.split("\\") if p]
    return (parts[0], parts[1].lower()) if text.startswith("\\\\") and len(parts) >= 2 else None


def _smb_area(env, unc, user, password, error, opterr):
    """The share an SMB mount reaches, or the driver's mount error."""
    parsed = parse_unc(unc)
    server = env.storage.server(parsed[0]) if parsed else None
    area = server.areas.get(parsed[1]) if server and server.kind == "smb" else None
    ok = (area is not None and env.storage.reachable(server, env.address)
          and (area.users is None or area.users.get(user) == password))
    if not ok:
        raise sm.failure(error, opterr)
    return area


def _smb_location(storage, unc):
    parsed = parse_unc(unc)
    if not parsed:
        return ("smb", (unc or "").lower(), "")
    return ("smb", _canonical(storage, parsed[0]), parsed[1])


class Smb:
    @staticmethod
    def location(storage, dconf, address):
        return _smb_location(storage, dconf.get("server"))

    @staticmethod
    def _mount(env, dconf):
        unc = _need(dconf, "server", "ConfigServerMissing")
        password = dconf.get("password", dconf.get("password_secret", ""))
        return _smb_area(env, unc, dconf.get("username", ""), password, "SMBMount",
                         "mount failed with return code %d" % MOUNT_FAILED)

    @classmethod
    def probe(cls, env, dconf):
        cls._mount(env, dconf)
        return sr_list(env.srs_at(cls.location(env.storage, dconf, env.address), "smb"))

    @classmethod
    def create(cls, env, dconf, uuid):
        area = cls._mount(env, dconf)
        if not area.writable:
            raise sm.failure("SharedFileSystemNoWrite",
                             "remote filesystem is read-only error is %d" % EROFS)
        return Target(cls.location(env.storage, dconf, env.address), area.size, area.used)

    @classmethod
    def attach(cls, env, dconf, uuid):
        area = cls._mount(env, dconf)
        location = cls.location(env.storage, dconf, env.address)
        if uuid not in env.srs_at(location, "smb"):
            raise sm.failure("SMBMount", "mount failed with return code %d" % MOUNT_FAILED)
        return Target(location, area.size, area.used, area.writable)


class Iso:
    """ISO libraries: `location` server:/path (type nfs_iso) or \\\\server\\share (type cifs)."""

    @staticmethod
    def protocol(dconf):
        location = dconf.get("location", "")
        return dconf.get("type") or ("nfs_iso" if ":/" in location else "cifs")

    @classmethod
    def location(cls, storage, dconf, address):
        location = dconf.get("location", "")
        if "legacy_mode" in dconf:
            return ("local", location)
        if cls.protocol(dconf) == "cifs":
            return _smb_location(storage, location)
        server, _, path = location.partition(":")
        return ("nfs", _canonical(storage, server), path.rstrip("/"))

    @classmethod
    def _check_string(cls, env, dconf):
        location = _need(dconf, "location", "ConfigLocationMissing")
        if cls.protocol(dconf) == "cifs":
            parsed = parse_unc(location)
            if parsed is None:
                raise sm.failure("ISOLocationStringError")
            name = parsed[0]
        else:
            if ":" not in location:
                raise sm.failure("ISOLocationStringError")
            name = location.split(":")[0]
        if env.storage.server(name) is None:
            raise sm.failure("DNSError")
        return location

    @classmethod
    def _mount(cls, env, dconf):
        location = cls._check_string(env, dconf)
        if cls.protocol(dconf) == "cifs":
            return _smb_area(env, location, dconf.get("username", ""),
                             dconf.get("cifspassword", dconf.get("cifspassword_secret", "")),
                             "ISOMountFailure", "mount error(13): Permission denied")
        server_name, _, path = location.partition(":")
        version = _nfs_version(dconf)
        server = _reach(env, server_name)
        if version not in server.versions:
            raise sm.failure("NFSVersion", "Unsupported NFS version: %s" % version)
        area = server.areas.get(path.rstrip("/") or "/")
        if area is None:
            raise sm.failure("ISOMountFailure", "mount failed on server `%s` with return code %d"
                             % (server_name, MOUNT_FAILED))
        return area

    @classmethod
    def create(cls, env, dconf, uuid):
        return cls.attach(env, dconf, uuid)

    @classmethod
    def attach(cls, env, dconf, uuid):
        if "legacy_mode" in dconf:        # a directory of the host itself: the tools ISOs
            return Target(cls.location(env.storage, dconf, env.address), DOM0_ROOT,
                          DOM0_USED, False, TOOLS_ISOS)
        area = cls._mount(env, dconf)
        return Target(cls.location(env.storage, dconf, env.address), area.size, area.used,
                      area.writable, area.isos)
