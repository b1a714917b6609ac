// Conformance with a client we did not write: Vates' npm `xen-api` drives the simulator unchanged.
// XAPI_URL (set by tests/sim/test_npm_xen_api.py) is a running `python -m xapi_sim`; each transport
// (auto = JSON-RPC first, and forced XML-RPC) connects, loads the objects, watches events and starts
// and stops a VM, as Xen Orchestra does.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createClient } from 'xen-api'

const url = process.env.XAPI_URL
const password = process.env.XAPI_PASSWORD ?? 'xcplite'

async function waitFor (predicate, what, timeout = 10e3) {
  const deadline = Date.now() + timeout
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

function objectsOfType (xapi, type) {
  return Object.values(xapi.objects.all).filter(object => object.$type === type)
}

function guests (xapi) {
  return objectsOfType(xapi, 'VM').filter(vm => !vm.is_a_template && !vm.is_control_domain)
}

for (const transport of ['auto', 'xml-rpc']) {
  describe(`xen-api over ${transport}`, () => {
    let xapi

    before(async () => {
      assert.ok(url, 'XAPI_URL must name a running simulator')
      xapi = createClient({ url, auth: { user: 'root', password }, allowUnauthorized: true, transport })
      await xapi.connect()
      await xapi.objectsFetched
    })

    after(async () => {
      await xapi.disconnect()
    })

    test('connects and loads the pool, hosts and VMs', () => {
      assert.equal(xapi.status, 'connected')
      assert.ok(xapi.pool.$ref.startsWith('OpaqueRef:'))
      const hosts = objectsOfType(xapi, 'host')
      assert.ok(hosts.length >= 1)
      const master = xapi.getObjectByRef(xapi.pool.master)
      assert.equal(master.software_version.product_brand, 'XCP-ng')
      // int64 is a JSON number, but untyped (so a string) in XAPI's XML-RPC: this also proves
      // that 'auto' settled on JSON-RPC.
      const int64 = transport === 'auto' ? 2 : '2'
      assert.equal(master.API_version_major, int64)
      assert.ok(guests(xapi).length >= 2)
      const anyVm = guests(xapi)[0]
      assert.equal(typeof anyVm.memory_static_max, transport === 'auto' ? 'number' : 'string')
      assert.ok(anyVm.$VBDs.length >= 1, 'VBDs resolve to cached objects')
    })

    test('errors carry the XAPI code and params', async () => {
      await assert.rejects(xapi.call('VM.get_record', 'OpaqueRef:NULL'), error => {
        assert.equal(error.code, 'HANDLE_INVALID')
        assert.deepEqual(error.params, ['VM', 'OpaqueRef:NULL'])
        return true
      })
    })

    test('watches events: a change made by a call reaches the cache', async () => {
      const vm = guests(xapi)[0]
      const text = `changed over ${transport} at ${Date.now()}`
      await xapi.call('VM.set_name_description', vm.$ref, text)
      await waitFor(() => xapi.getObjectByRef(vm.$ref).name_description === text, 'the VM mod event')
      await xapi.call('pool.add_to_other_config', xapi.pool.$ref, `barrier-${transport}`, '1')
      await waitFor(() => xapi.pool.other_config[`barrier-${transport}`] === '1', 'the pool mod event')
    })

    test('starts a VM through an Async task, then shuts it down', async () => {
      let vm = guests(xapi).find(candidate => candidate.power_state === 'Halted')
      if (vm === undefined) {
        // the inventory may have none halted: make one
        vm = guests(xapi).find(candidate => candidate.power_state === 'Running')
        await xapi.call('VM.hard_shutdown', vm.$ref)
        await waitFor(() => xapi.getObjectByRef(vm.$ref).power_state === 'Halted', 'a halted VM')
      }
      const result = await xapi.callAsync('VM.start', vm.$ref, false, false)
      assert.equal(result, '')
      await waitFor(() => xapi.getObjectByRef(vm.$ref).power_state === 'Running', 'Running in the cache')
      await assert.rejects(xapi.call('VM.start', vm.$ref, false, false), error => {
        assert.equal(error.code, 'VM_BAD_POWER_STATE')
        assert.deepEqual(error.params, [vm.$ref, 'halted', 'running'])
        return true
      })
      await xapi.call('VM.clean_shutdown', vm.$ref)
      await waitFor(() => xapi.getObjectByRef(vm.$ref).power_state === 'Halted', 'Halted in the cache')
    })
  })
}
