// 2. Ongoing access code lifecycle through the official SDK (august_lock).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { validateAccessCode, validateEvent } from './openapi.mjs'
import {
  cleanupRegistry,
  expectSdkError,
  lockOfType,
  poll,
  randomPin,
  requireServer,
  sdk,
  SINCE,
  uniqueName,
  UUID_RE,
} from './support.mjs'

requireServer()

const seam = sdk()
const cleanup = cleanupRegistry()
after(() => cleanup.run())

async function eventTypes(accessCodeId) {
  const events = await seam.events.list({ access_code_id: accessCodeId, since: SINCE })
  for (const e of events) {
    validateEvent(e)
    assert.equal(e.access_code_id, accessCodeId, 'events.list({access_code_id}) returned an event of another code')
  }
  return events
}

async function waitForEvents(accessCodeId, wanted) {
  return poll(
    async () => {
      const events = await eventTypes(accessCodeId)
      const types = new Set(events.map((e) => e.event_type))
      return wanted.every((t) => types.has(t)) ? events : false
    },
    { what: `events ${wanted.join(', ')} for access code ${accessCodeId}` },
  )
}

describe('ongoing access code lifecycle (SDK, august_lock)', () => {
  let lock
  let accessCode
  const name = uniqueName('life')
  const pin = randomPin(4)

  before(async () => {
    lock = await lockOfType('august_lock')
  })

  test('create returns a setting (or set) ongoing code', async () => {
    accessCode = await seam.accessCodes.create({ device_id: lock.device_id, name, code: pin })
    cleanup.add(accessCode.access_code_id)
    validateAccessCode(accessCode)
    assert.match(accessCode.access_code_id, UUID_RE)
    assert.ok(['setting', 'set'].includes(accessCode.status), `status after create: ${accessCode.status}`)
    assert.equal(accessCode.type, 'ongoing')
    assert.equal(accessCode.device_id, lock.device_id)
    assert.equal(accessCode.workspace_id, lock.workspace_id)
    assert.equal(accessCode.name, name)
    assert.equal(accessCode.code, pin)
    assert.equal(accessCode.is_managed, true)
    assert.equal(accessCode.starts_at ?? null, null, 'an ongoing code has no starts_at')
    assert.equal(accessCode.ends_at ?? null, null, 'an ongoing code has no ends_at')
    assert.ok(Date.parse(accessCode.created_at) > Date.now() - 10 * 60_000, 'created_at is recent')
  })

  test('the code becomes set on the lock', async () => {
    const got = await poll(
      async () => {
        const ac = await seam.accessCodes.get({ access_code_id: accessCode.access_code_id })
        validateAccessCode(ac)
        assert.ok(['setting', 'set'].includes(ac.status), `unexpected status while programming: ${ac.status}`)
        return ac.status === 'set' ? ac : false
      },
      { what: `status 'set' for ${accessCode.access_code_id}` },
    )
    assert.equal(got.code, pin)
    assert.equal(got.name, name)
  })

  test('get by device_id + code finds the same code', async () => {
    const ac = await seam.accessCodes.get({ device_id: lock.device_id, code: pin })
    assert.equal(ac.access_code_id, accessCode.access_code_id)
  })

  test('events: access_code.created and access_code.set_on_device', async () => {
    const events = await waitForEvents(accessCode.access_code_id, ['access_code.created', 'access_code.set_on_device'])
    for (const e of events) {
      assert.equal(e.device_id, lock.device_id)
      assert.equal(e.workspace_id, lock.workspace_id)
    }
    const setEvent = events.find((e) => e.event_type === 'access_code.set_on_device')
    assert.equal(setEvent.code, pin)
    // also reachable by device_id
    const byDevice = await seam.events.list({ device_id: lock.device_id, since: SINCE })
    const types = byDevice.filter((e) => e.access_code_id === accessCode.access_code_id).map((e) => e.event_type)
    assert.ok(types.includes('access_code.created'), `events.list({device_id}) lacks access_code.created: ${types}`)
  })

  test('list({device_id}) contains it', async () => {
    const codes = await seam.accessCodes.list({ device_id: lock.device_id })
    for (const c of codes) {
      validateAccessCode(c)
      assert.equal(c.device_id, lock.device_id, 'list({device_id}) returned a code of another device')
    }
    const mine = codes.filter((c) => c.access_code_id === accessCode.access_code_id)
    assert.equal(mine.length, 1)
    assert.equal(mine[0].code, pin)
  })

  test('list({access_code_ids}) contains it', async () => {
    const codes = await seam.accessCodes.list({ access_code_ids: [accessCode.access_code_id] })
    assert.deepEqual(
      codes.map((c) => c.access_code_id),
      [accessCode.access_code_id],
    )
  })

  test('update the name', async () => {
    const newName = uniqueName('renamed')
    const res = await seam.accessCodes.update({ access_code_id: accessCode.access_code_id, name: newName })
    assert.equal(res, undefined, 'SDK update() resolves to undefined (no response key)')
    const got = await seam.accessCodes.get({ access_code_id: accessCode.access_code_id })
    assert.equal(got.name, newName)
    assert.equal(got.code, pin, 'renaming keeps the PIN')
    assert.equal(got.type, 'ongoing')
    accessCode = got
  })

  test('update the PIN', async () => {
    let newPin = randomPin(5)
    while (newPin === pin) newPin = randomPin(5)
    await seam.accessCodes.update({ access_code_id: accessCode.access_code_id, code: newPin })
    const got = await poll(
      async () => {
        const ac = await seam.accessCodes.get({ access_code_id: accessCode.access_code_id })
        return ac.code === newPin && ac.status === 'set' ? ac : false
      },
      { what: `new PIN ${newPin} set on the lock` },
    )
    assert.equal(got.name, accessCode.name)
    assert.equal(got.type, 'ongoing')
    accessCode = got
  })

  test('delete: removing, then gone (access_code_not_found), with events', async () => {
    const res = await seam.accessCodes.delete({ access_code_id: accessCode.access_code_id })
    assert.equal(res, undefined, 'SDK delete() resolves to undefined (no response key)')

    await poll(
      async () => {
        try {
          const ac = await seam.accessCodes.get({ access_code_id: accessCode.access_code_id })
          assert.equal(ac.status, 'removing', 'a deleted code that still exists is removing')
          return false
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err
          await expectSdkError(Promise.reject(err), { code: 'access_code_not_found', statusCode: 404 })
          return true
        }
      },
      { what: `access code ${accessCode.access_code_id} to disappear after delete` },
    )

    const codes = await seam.accessCodes.list({ device_id: lock.device_id })
    assert.ok(
      !codes.some((c) => c.access_code_id === accessCode.access_code_id),
      'a deleted code is not listed any more',
    )

    await waitForEvents(accessCode.access_code_id, [
      'access_code.created',
      'access_code.set_on_device',
      'access_code.removed_from_device',
      'access_code.deleted',
    ])
  })

  test('deleting again -> access_code_not_found', async () => {
    await expectSdkError(seam.accessCodes.delete({ access_code_id: accessCode.access_code_id }), {
      code: 'access_code_not_found',
      statusCode: 404,
    })
  })
})
