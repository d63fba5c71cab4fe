// 11. devices/update (the SDK sends PATCH): a lock renamed through the official
// SDK is shown by its new name, then renamed back. Runs in the second workspace,
// on its ttlock_lock, which no other contract test touches there.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { validateDevice } from './openapi.mjs'
import { api, expectError, lockOfType, requireServer, sdk } from './support.mjs'

const { secondApiKey: KEY } = requireServer()
const seam = sdk(KEY)

describe('devices/update', () => {
  test('devices.update renames a lock; bad input is a 4xx error envelope', async () => {
    const lock = await lockOfType('ttlock_lock', KEY)
    const before = lock.properties.name
    await seam.devices.update({ device_id: lock.device_id, name: 'Contract suite door' })
    try {
      const renamed = await seam.devices.get({ device_id: lock.device_id })
      validateDevice(renamed)
      assert.equal(renamed.properties.name, 'Contract suite door')
      assert.equal(renamed.display_name, 'Contract suite door')
    } finally {
      await seam.devices.update({ device_id: lock.device_id, properties: { name: before } })
    }
    assert.equal((await seam.devices.get({ device_id: lock.device_id })).properties.name, before)
    expectError(await api('/devices/update', { apiKey: KEY, json: { device_id: lock.device_id, is_managed: false } }))
    expectError(await api('/devices/update', { apiKey: KEY, json: { device_id: '6f1c2b5e-0000-4000-8000-000000000000', name: 'x' } }))
  })
})
