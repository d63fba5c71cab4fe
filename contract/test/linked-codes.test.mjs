// 10. Linked codes: access_codes/create_multiple (the SDK sends PUT) and
// update_multiple (PATCH) through the official SDK, every body validated against
// the OpenAPI document. Runs in the second workspace, on its august_lock,
// schlage_lock and lockly_lock, which no other contract test touches there.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'

import { validateAccessCode } from './openapi.mjs'
import { api, cleanupRegistry, expectError, lockOfType, poll, requireServer, sdk } from './support.mjs'

const { secondApiKey: KEY } = requireServer()
const seam = sdk(KEY)
const cleanup = cleanupRegistry()
after(() => cleanup.run(KEY))

const DAY = 86_400_000
const inMs = (ms) => new Date(Date.now() + ms).toISOString()

describe('linked codes', { concurrency: false }, () => {
  let codes
  test('createMultiple puts one PIN on locks of three brands under one common_code_key', async () => {
    const locks = await Promise.all(['august_lock', 'schlage_lock', 'lockly_lock'].map((t) => lockOfType(t, KEY)))
    codes = await seam.accessCodes.createMultiple({
      device_ids: locks.map((l) => l.device_id),
      name: 'Flat 7',
      starts_at: inMs(5 * DAY),
      ends_at: inMs(7 * DAY),
    })
    codes.forEach((c) => cleanup.add(c.access_code_id))
    assert.equal(codes.length, 3)
    for (const c of codes) {
      validateAccessCode(c)
      assert.equal(c.code, codes[0].code)
      assert.equal(c.common_code_key, codes[0].common_code_key)
      assert.equal(c.type, 'time_bound')
    }
    assert.ok(codes[0].code.length >= 6, 'Lockly takes 6 to 8 digits')
    assert.deepEqual(codes.map((c) => c.device_id), locks.map((l) => l.device_id))
  })

  test('updateMultiple renames and moves every code of the key', async () => {
    assert.ok(codes, 'needs the codes of the previous test')
    const endsAt = inMs(8 * DAY)
    await seam.accessCodes.updateMultiple({ common_code_key: codes[0].common_code_key, name: 'Flat 7, longer', ends_at: endsAt })
    await poll(async () => {
      const now = await Promise.all(codes.map((c) => seam.accessCodes.get({ access_code_id: c.access_code_id })))
      now.forEach(validateAccessCode)
      return now.every((c) => c.name === 'Flat 7, longer' && Date.parse(c.ends_at) === Date.parse(endsAt))
    }, { what: 'every linked code renamed and moved' })
  })

  test('bad input is a 4xx error envelope', async () => {
    expectError(await api('/access_codes/create_multiple', { apiKey: KEY, json: { device_ids: [] } }))
    expectError(await api('/access_codes/create_multiple', { apiKey: KEY, json: { device_ids: ['6f1c2b5e-0000-4000-8000-000000000000'] } }))
    expectError(await api('/access_codes/update_multiple', { apiKey: KEY, json: { common_code_key: 'no such key', name: 'x' } }))
  })
})
