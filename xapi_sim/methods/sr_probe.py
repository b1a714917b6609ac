"""SR.probe and SR.probe_ext (xapi_sr.ml call_probe / probe / probe_ext, sm.ml sr_probe).

SR.probe runs the driver's sr_probe on `host` and returns the XML string it printed: NFS and SMB
list the SR directories found (<SRlist><SR><UUID>…), EXT and LVM the volume groups on the given
devices (…<Devlist>, <size>); incomplete configurations fail with the driver's error, an NFS
probe without serverpath carrying the exports list as the error's third parameter. Drivers
without the SR_PROBE capability (iso, udev) fail with SR_BACKEND_FAILURE ["Operation 'sr_probe'
not supported by this SR type", "", ""].

SR.probe_ext only has results for SMAPIv3 plugins: every type here is an SMAPIv1 driver, whose
probe XAPI receives as a raw string, so after the probe itself succeeds XAPI answers
SR_OPERATION_NOT_SUPPORTED [] (xapi_sr.ml probe_ext: `Raw _ -> sr_operation_not_supported`).
"""
from .. import sm, smdrivers, srstate
from ..errors import XapiFailure
from . import api


async def _probe(ctx, host, device_config, sr_type):
    ctx.db.require("host", host)
    if sr_type.lower() not in sm.DRIVERS:
        raise XapiFailure("SR_UNKNOWN_DRIVER", sr_type)
    await ctx.work(ctx.op_seconds("quick"), 1)
    return smdrivers.probe(srstate.env(ctx.sim, host), sr_type.lower(), device_config)


@api("SR.probe")
async def probe(ctx, host, device_config, sr_type, sm_config):
    return await _probe(ctx, host, device_config, sr_type)


@api("SR.probe_ext")
async def probe_ext(ctx, host, device_config, sr_type, sm_config):
    await _probe(ctx, host, device_config, sr_type)
    raise XapiFailure("SR_OPERATION_NOT_SUPPORTED")
