"""English strings of VM actions, input checks, bulk outcomes, tasks, alarms, stats and XAPI errors.

Pure (CPython and MicroPython). The app's catalog (i18n.py) merges STRINGS into its English
catalog; until then, and in tests, `text` reads them from here. Params are written {0}, {1}...
and filled by plain replacement, so a translation may reorder them or leave one out.
"""

STRINGS = {
    # VM actions (vmactions.py)
    "action.copy_name": "{0} (copy)",
    "action.kept.cd": "in a CD drive",
    "action.kept.iso": "an ISO image",
    "action.kept.shared": "used by another VM",
    "action.kept.unknown": "not loaded; left alone",
    # Input checks (validate.py)
    "valid.name_empty": "The name cannot be empty.",
    "valid.too_long": "At most {0} characters.",
    "valid.tag_empty": "A tag cannot be empty.",
    "valid.tag_duplicate": "The VM already has the tag \u201c{0}\u201d.",
    "valid.tag_missing": "The VM has no tag \u201c{0}\u201d.",
    "valid.vcpus_number": "Enter a whole number of vCPUs.",
    "valid.vcpus_range": "The number of vCPUs must be between 1 and {0}.",
    "valid.vcpus_order": "{0} vCPUs at startup is more than the maximum of {1}.",
    "valid.vcpus_max_halted": "The maximum number of vCPUs can only change while the VM is halted.",
    "valid.memory_size": "Enter a size such as 4 GiB, 4096 MiB or 512M.",
    "valid.memory_small": "Memory sizes must be at least {0}.",
    "valid.memory_order": "Memory must satisfy static minimum ({0}) \u2264 dynamic minimum ({1}) \u2264 dynamic maximum ({2}) \u2264 static maximum ({3}).",
    "valid.memory_static_halted": "The static limits ({0} to {1}) can only change while the VM is halted.",
    "valid.memory_state": "Memory can only change while the VM is halted or running.",
    "valid.boot_not_hvm": "The boot order applies to HVM guests only.",
    "valid.boot_empty": "Choose at least one boot device.",
    "valid.boot_letter": "\u201c{0}\u201d is not a boot device: use c (disk), d (DVD drive) or n (network).",
    "valid.boot_repeat": "The boot device \u201c{0}\u201d appears twice.",
    # XAPI errors (errors_text.py); {n} are the error's params, refs shown by name.
    "err.some_object": "an object",
    "err.VM_BAD_POWER_STATE": "{0} is {2}, but this action needs it {1}.",
    "err.OTHER_OPERATION_IN_PROGRESS": "{1} is busy with another operation ({2}). Try again when it has finished.",
    "err.OTHER_OPERATION_IN_PROGRESS.short": "The object is busy with another operation. Try again when it has finished.",
    "err.HOST_NOT_ENOUGH_FREE_MEMORY": "The host does not have enough free memory: {0} needed, {1} available.",
    "err.HOST_NOT_ENOUGH_FREE_MEMORY.short": "The host does not have enough free memory for {0}.",
    "err.VM_LACKS_FEATURE": "{0} cannot do this without its guest tools (PV drivers).",
    "err.VM_MISSING_PV_DRIVERS": "{0} has no guest tools (PV drivers) installed.",
    "err.OPERATION_BLOCKED": "This operation is blocked on {0}: {1}.",
    "err.OPERATION_NOT_ALLOWED": "The operation is not allowed: {0}.",
    "err.VDI_IN_USE": "The disk {0} is in use ({1}).",
    "err.SR_FULL": "The storage repository is full: {0} requested, {1} available.",
    "err.MEMORY_CONSTRAINT_VIOLATION_ORDER": "The memory settings must satisfy static minimum \u2264 dynamic minimum \u2264 dynamic maximum \u2264 static maximum.",
    "err.MEMORY_CONSTRAINT_VIOLATION_MAXPIN": "A control domain's dynamic and static maximum memory must be equal.",
    "err.MEMORY_CONSTRAINT_VIOLATION": "The memory settings are out of bounds.",
    "err.HOST_DISABLED": "The host {0} is disabled (maintenance mode).",
    "err.HOST_OFFLINE": "The host {0} is offline.",
    "err.HOST_NOT_LIVE": "The host is not live.",
    "err.NO_HOSTS_AVAILABLE": "No host can run this VM now (memory, storage or network requirements).",
    "err.SESSION_INVALID": "Your session has expired. Please log in again.",
    "err.SESSION_AUTHENTICATION_FAILED": "Wrong username or password.",
    "err.TASK_CANCELLED": "The task was cancelled.",
    "err.HANDLE_INVALID": "The {0} no longer exists; it may have been deleted.",
    "err.VM_IS_TEMPLATE": "{0} is a template: {1} is not possible.",
    "err.VM_IS_SNAPSHOT": "{0} is a snapshot: {1} is not possible.",
    "err.VM_REQUIRES_SR": "{0} needs the storage repository {1}, which the host cannot reach.",
    "err.VM_REQUIRES_NETWORK": "{0} needs the network {1}, which the host is not connected to.",
    "err.VM_HAS_PCI_ATTACHED": "{0} has a PCI device attached.",
    "err.VM_NO_SUSPEND_SR": "{0} has no storage repository for its suspend image.",
    "err.ONLY_REVERT_SNAPSHOT": "Only a snapshot can be reverted to.",
    "err.INVALID_VALUE": "Invalid value for {0}: {1}.",
    "err.RBAC_PERMISSION_DENIED": "You are not allowed to do this ({0}).",
    "err.PERMISSION_DENIED": "Permission denied: {0}.",
    "err.LICENCE_RESTRICTION": "The pool's licence does not allow this ({0}).",
    "err.SR_NO_PBDS": "The storage repository {0} is not connected to any host.",
    "err.SR_HAS_NO_PBDS": "The storage repository {0} is not connected to any host.",
    "err.SR_OPERATION_NOT_SUPPORTED": "The storage repository {0} does not support this operation.",
    "err.VDI_MISSING": "A disk is missing from its storage repository.",
    "err.CANNOT_CONTACT_HOST": "The host {0} cannot be contacted.",
    "err.MESSAGE_METHOD_UNKNOWN": "This XAPI version does not know {0}.",
    "err.INTERNAL_ERROR": "XAPI reported an internal error: {0}",
    "err.APP_ERROR": "Something went wrong in the console: {0}",
    "err.SR_BACKEND_FAILURE": "The storage back end failed: {0}",
    "err.unknown": "XAPI reported {0} ({1}).",
    "err.unknown.bare": "XAPI reported {0}.",
    "err.transport.unreachable": "The host did not answer. Check that it is up and reachable.",
    "err.transport.timeout": "The host took too long to answer.",
    "err.transport.http": "The host answered with HTTP status {0}.",
    "err.transport.protocol": "The host sent an answer that is not XAPI's.",
}


def text(key, params=(), t=None):
    """The string for `key` (through `t` if given, else STRINGS) with {0}, {1}... filled in."""
    template = t(key) if t is not None else STRINGS.get(key, key)
    for index in range(len(params)):
        template = template.replace("{%d}" % index, str(params[index]))
    return template
