// 12. access_codes/report_device_constraints: lengths reported for a lock
// narrow what it takes, through the official SDK and raw HTTP, every body
// validated against the OpenAPI document. Runs in the second workspace, on its
// igloohome_lock (4 to 6 digits), which no other contract test touches there.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'

import { validateAccessCode, validateDevice } from './openapi.mjs'
import { api, cleanupRegistry, expectError, expectOk, lockOfType, requireServer, sdk } from './support.mjs'

const { secondApiKey: KEY } = requireServer()
const seam = sdk(KEY)
const cleanup = cleanupRegistry()
after(() => cleanup.run(KEY))

describe('access_codes/report_device_constraints', () => {
  test('reported lengths narrow what the lock takes; bad reports are 4xx error envelopes', async () => {
    const lock = await lockOfType('igloohome_lock', KEY)
    assert.deepEqual(lock.properties.supported_code_lengths, [4, 5, 6])
    try {
      await seam.accessCodes.reportDeviceConstraints({ device_id: lock.device_id, supported_code_lengths: [5] })
      const device = await seam.devices.get({ device_id: lock.device_id })
      validateDevice(device)
      assert.deepEqual(device.properties.supported_code_lengths, [5])
      const code = await seam.accessCodes.create({ device_id: lock.device_id, name: 'Constraint guest' })
      cleanup.add(code.access_code_id)
      validateAccessCode(code)
      assert.equal(code.code.length, 5)
      expectError(
        await api('/access_codes/create', { apiKey: KEY, json: { device_id: lock.device_id, name: 'Too short', code: '4826' } }),
        { status: 400 },
      )
      expectOk(
        await api('/access_codes/report_device_constraints', {
          apiKey: KEY,
          json: { device_id: lock.device_id, min_code_length: 5, max_code_length: 6 },
        }),
      )
      assert.deepEqual((await seam.devices.get({ device_id: lock.device_id })).properties.supported_code_lengths, [5, 6])
    } finally {
      await seam.accessCodes.reportDeviceConstraints({ device_id: lock.device_id, min_code_length: 4, max_code_length: 20 })
    }
    assert.deepEqual((await seam.devices.get({ device_id: lock.device_id })).properties.supported_code_lengths, [4, 5, 6])
    for (const json of [
      { device_id: lock.device_id },
      { device_id: lock.device_id, supported_code_lengths: [21] },
      { device_id: lock.device_id, supported_code_lengths: [5], min_code_length: 5 },
      { device_id: lock.device_id, min_code_length: 6, max_code_length: 5 },
    ]) {
      expectError(await api('/access_codes/report_device_constraints', { apiKey: KEY, json }), { status: 400 }, JSON.stringify(json))
    }
    expectError(
      await api('/access_codes/report_device_constraints', {
        apiKey: KEY,
        json: { device_id: '6f1c2b5e-0000-4000-8000-000000000000', supported_code_lengths: [5] },
      }),
      { status: 404 },
    )
  })
})
