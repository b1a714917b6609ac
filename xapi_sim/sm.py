"""The storage manager's side of SR types: drivers, their capabilities and provisioning, SM errors.

Facts from XCP-ng's storage manager (github.com/xcp-ng/sm, drivers/*SR.py: CAPABILITIES,
DRIVER_INFO, CONFIGURATION; drivers/XE_SR_ERRORCODES.xml: error names, codes, texts;
drivers/vhdutil.py: VHD size rules) and from XAPI's use of them (ocaml/xapi/sm_exec.ml: how an
SM fault becomes an API error; xapi_sr_operations.ml / xapi_vdi.ml: which operation needs which
capability).
"""
from .errors import XapiFailure

MiB = 1024 ** 2
GiB = 1024 ** 3

# name -> (code, description), from XE_SR_ERRORCODES.xml (the ones the simulator raises).
ERRORS = {
    "InvalidDev": (19, "No such device"),
    "SRInUse": (16, "The SR device is currently in use"),
    "VDIInUse": (24, "The VDI is currently in use"),
    "SRNotEmpty": (39, "The SR is not empty"),
    "SRExists": (42, "The SR already exists"),
    "VDIExists": (43, "The VDI already exists"),
    "SRNoSpace": (44, "There is insufficient space"),
    "VDIUnavailable": (46, "The VDI is not available"),
    "SRUnavailable": (47, "The SR is not available"),
    "NFSVersion": (72, "Required NFS server version unsupported"),
    "NFSMount": (73, "NFS mount error"),
    "VDICreate": (78, "VDI Creation failed"),
    "VDISize": (79, "VDI Invalid size"),
    "ConfigDeviceMissing": (90, "The request is missing the device parameter"),
    "ConfigLocationMissing": (94, "The request is missing the location parameter"),
    "ConfigServerPathMissing": (101, "The request is missing the serverpath parameter"),
    "ConfigServerMissing": (102, "The request is missing the server parameter"),
    "Rootdev": (105, "Root system device, cannot be used for VM storage"),
    "NFSTarget": (108, "Unable to detect an NFS service on this target."),
    "SMBMount": (111, "SMB mount error"),
    "DNSError": (140, "Incorrect DNS name, unable to resolve."),
    "ISOMountFailure": (222, "Could not mount the directory specified in Device Configuration"),
    "ISOLocationStringError": (225, "Incorrect Location string format. String must be in the "
                                    "format SERVER:PATH for NFS targets, or \\\\SERVER\\PATH "
                                    "for CIFS targets"),
    "SharedFileSystemNoWrite": (461, "The file system for SR cannot be written to."),
}
# Faults sm_exec.ml turns into their own API errors (without parameters).
FAULT_ERRORS = {16: "SR_DEVICE_IN_USE", 24: "VDI_IN_USE", 39: "SR_NOT_EMPTY"}
GENERIC_FAULT = 1200     # SRCommand.run: a Python exception that is not an SR error


def failure(name, opterr=None, stderr=""):
    """The API error XAPI raises for SM error `name`: SR_BACKEND_FAILURE_<code> ["", text, stderr].

    `opterr` is appended as XenError does; `stderr` is what the driver printed (probe results)."""
    code, text = ERRORS[name]
    if code in FAULT_ERRORS:
        return XapiFailure(FAULT_ERRORS[code])
    if opterr is not None:
        text += " [opterr=%s]" % opterr
    return XapiFailure("SR_BACKEND_FAILURE_%d" % code, "", text, stderr)


def python_failure(text):
    """A driver's uncaught Python exception (e.g. KeyError('device')) as XAPI reports it."""
    return XapiFailure("SR_BACKEND_FAILURE_%d" % GENERIC_FAULT, "", text, "")


class Driver:
    """One SM driver. `kind` says where its SRs live: file (VHD files on a filesystem), lvm (VHD
    on logical volumes), iso (image files), udev (removable devices)."""

    def __init__(self, name, description, kind, thin, caps, config):
        self.name, self.description, self.kind, self.thin = name, description, kind, thin
        self.caps = frozenset(c.split("/")[0] for c in caps.split())
        self.config = config

    @property
    def vhd(self):
        return self.kind in ("file", "lvm")


_VHD_FILE = ("SR_PROBE SR_UPDATE VDI_CREATE VDI_DELETE VDI_ATTACH VDI_DETACH VDI_UPDATE VDI_CLONE "
             "VDI_SNAPSHOT VDI_RESIZE VDI_MIRROR VDI_GENERATE_CONFIG VDI_RESET_ON_BOOT/2 "
             "ATOMIC_PAUSE VDI_CONFIG_CBT VDI_ACTIVATE VDI_DEACTIVATE THIN_PROVISIONING "
             "VDI_READ_CACHING")
_VHD_LVM = ("SR_PROBE SR_UPDATE SR_TRIM VDI_CREATE VDI_DELETE VDI_ATTACH VDI_DETACH VDI_MIRROR "
            "VDI_CLONE VDI_SNAPSHOT VDI_RESIZE ATOMIC_PAUSE VDI_RESET_ON_BOOT/2 VDI_UPDATE "
            "VDI_CONFIG_CBT VDI_ACTIVATE VDI_DEACTIVATE")
_DEVICE = {"device": "local device path (required) (e.g. /dev/sda3)"}
# The SR types simulated (XCP-ng also has lvmoiscsi, lvmohba and others, not simulated here).
DRIVERS = {
    "ext": Driver("Local EXT3 VHD", "VHD files on a local EXT filesystem inside an LVM volume",
                  "file", True, _VHD_FILE + " SR_SUPPORTS_LOCAL_CACHING", _DEVICE),
    "lvm": Driver("Local VHD on LVM", "VHD disks on logical volumes of a local volume group",
                  "lvm", False, _VHD_LVM, _DEVICE),
    "nfs": Driver("NFS VHD", "VHD files on a remote NFS filesystem", "file", True,
                  _VHD_FILE + " SR_CACHING",
                  {"server": "hostname or IP address of NFS server (required)",
                   "serverpath": "path on remote server (required)",
                   "nfsversion": "NFS protocol version - 3, 4, 4.0, 4.1"}),
    "smb": Driver("SMB VHD", "VHD files on a remote SMB filesystem", "file", True,
                  _VHD_FILE + " SR_CACHING",
                  {"server": "Full path to share root on SMB server (required)",
                   "username": "The username to be used during SMB authentication",
                   "password": "The password to be used during SMB authentication"}),
    "iso": Driver("ISO", "CD images stored as files in iso format", "iso", True,
                  "VDI_CREATE VDI_DELETE VDI_ATTACH VDI_DETACH SR_SCAN SR_ATTACH SR_DETACH",
                  {"location": "path to mount (required) (e.g. server:/path)",
                   "type": "cifs (SMB) or nfs_iso",
                   "username": "Username to authenticate to SMB share with",
                   "cifspassword": "Password to authenticate to SMB",
                   "nfsversion": "NFS protocol version - 3, 4, 4.0, 4.1"}),
    "udev": Driver("udev", "devices plugged in via udev as VDIs", "udev", False,
                   "VDI_INTRODUCE VDI_ATTACH VDI_DETACH VDI_UPDATE SR_UPDATE", {}),
}

# XAPI storage operation -> SM capability (xapi_sr_operations.sm_cap_table; vdi_clone is
# faked by XAPI itself when a driver cannot clone).
SR_OP_CAP = {"vdi_create": "VDI_CREATE", "vdi_destroy": "VDI_DELETE", "vdi_resize": "VDI_RESIZE",
             "vdi_introduce": "VDI_INTRODUCE", "vdi_mirror": "VDI_MIRROR",
             "vdi_enable_cbt": "VDI_CONFIG_CBT", "vdi_disable_cbt": "VDI_CONFIG_CBT",
             "vdi_data_destroy": "VDI_CONFIG_CBT", "vdi_list_changed_blocks": "VDI_CONFIG_CBT",
             "vdi_set_on_boot": "VDI_RESET_ON_BOOT", "update": "SR_UPDATE",
             "vdi_snapshot": "VDI_SNAPSHOT"}
# VDI operation -> SM capability (xapi_vdi.feature_of_op).
VDI_OP_CAP = {"snapshot": "VDI_SNAPSHOT", "destroy": "VDI_DELETE", "resize": "VDI_RESIZE",
              "update": "VDI_UPDATE", "resize_online": "VDI_RESIZE_ONLINE", "clone": "VDI_CLONE",
              "mirror": "VDI_MIRROR", "set_on_boot": "VDI_RESET_ON_BOOT",
              "enable_cbt": "VDI_CONFIG_CBT", "disable_cbt": "VDI_CONFIG_CBT"}
# XAPI's features table for SM records (Smint: capability -> version).
FEATURE_VERSION = {"VDI_RESET_ON_BOOT": 2}

# vhdutil.py: VHD disks grow in 2 MiB blocks, from 2 MiB to 2040 GiB.
VHD_BLOCK = 2 * MiB
VHD_MAX = 2040 * GiB
SECTOR = 512


def vhd_size(size):
    """The virtual size a VHD of `size` bytes gets (validate_and_round_vhd_size), or SM's error."""
    if size < 0 or size > VHD_MAX:
        raise failure("VDISize", "VDI size must be between 1 MB and %d MB" % (VHD_MAX // MiB))
    size = max(size, VHD_BLOCK)
    return -(-size // VHD_BLOCK) * VHD_BLOCK


def vhd_metadata(size):
    """Bytes of a fresh dynamic VHD file: footer copy, header, block table, footer."""
    table = 4 * (-(-size // VHD_BLOCK))
    return 3 * SECTOR + -(-table // SECTOR) * SECTOR


def features(driver):
    """SM.features of a driver record: {capability: version}."""
    return {cap: FEATURE_VERSION.get(cap, 1) for cap in sorted(driver.caps)}
