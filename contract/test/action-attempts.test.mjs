// 7. Action attempts over raw HTTP (lockly_lock): create / update / delete
// answer with an action_attempt that /action_attempts/get can fetch.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import {
  api,
  cleanupRegistry,
  expectError,
  expectOk,
  lockOfType,
  newUuid,
  poll,
  randomPin,
  requireServer,
  uniqueName,
  UUID_RE,
} from './support.mjs'

requireServer()

const cleanup = cleanupRegistry()
after(() => cleanup.run())

async function getAttempt(id, method = 'GET') {
  const res =
    method === 'GET'
      ? await api('/action_attempts/get', { method: 'GET', query: { action_attempt_id: id } })
      : await api('/action_attempts/get', { method: 'POST', json: { action_attempt_id: id } })
  const { action_attempt: attempt } = expectOk(res)
  assert.equal(attempt.action_attempt_id, id)
  return attempt
}

async function waitForSuccess(id, actionType) {
  return poll(
    async () => {
      const a = await getAttempt(id)
      assert.equal(a.action_type, actionType)
      assert.notEqual(a.status, 'error', `action attempt ${id} failed: ${JSON.stringify(a.error)}`)
      return a.status === 'success' ? a : false
    },
    { what: `action attempt ${id} (${actionType}) to succeed` },
  )
}

async function createCode(device) {
  const body = expectOk(
    await api('/access_codes/create', {
      json: { device_id: device.device_id, name: uniqueName('aa'), code: randomPin(6) },
    }),
  )
  cleanup.add(body.access_code.access_code_id)
  return body
}

async function waitSet(accessCodeId) {
  return poll(
    async () => {
      const { access_code: ac } = expectOk(await api('/access_codes/get', { method: 'GET', query: { access_code_id: accessCodeId } }))
      return ac.status === 'set' ? ac : false
    },
    { what: `${accessCodeId} to be set` },
  )
}

async function waitGone(accessCodeId) {
  await poll(
    async () => {
      const res = await api('/access_codes/get', { json: { access_code_id: accessCodeId } })
      if (res.status === 404) {
        expectError(res, { status: 404, type: 'access_code_not_found' })
        return true
      }
      assert.equal(expectOk(res).access_code.status, 'removing')
      return false
    },
    { what: `${accessCodeId} to be gone` },
  )
}

describe('action attempts (raw HTTP, lockly_lock)', () => {
  let lock
  let created

  before(async () => {
    lock = await lockOfType('lockly_lock')
  })

  test('create answers with a CREATE_ACCESS_CODE action attempt', async () => {
    created = await createCode(lock)
    const a = created.action_attempt
    assert.match(a.action_attempt_id, UUID_RE)
    assert.equal(a.action_type, 'CREATE_ACCESS_CODE')
    assert.ok(['pending', 'success'].includes(a.status), `status ${a.status}`)
    await waitSet(created.access_code.access_code_id)
    const done = await waitForSuccess(a.action_attempt_id, 'CREATE_ACCESS_CODE')
    assert.equal(done.error, null)
  })

  test('update (PUT, PATCH and POST) answers with an UPDATE_ACCESS_CODE action attempt', async () => {
    const id = created.access_code.access_code_id
    for (const method of ['PUT', 'PATCH', 'POST']) {
      const name = uniqueName(method.toLowerCase())
      const body = expectOk(await api('/access_codes/update', { method, json: { access_code_id: id, name } }))
      assert.equal(body.action_attempt.action_type, 'UPDATE_ACCESS_CODE', `${method} /access_codes/update`)
      await waitForSuccess(body.action_attempt.action_attempt_id, 'UPDATE_ACCESS_CODE')
      const { access_code: ac } = expectOk(await api('/access_codes/get', { json: { access_code_id: id } }))
      assert.equal(ac.name, name, `${method} /access_codes/update changed the name`)
    }
  })

  test('POST /access_codes/delete answers with a DELETE_ACCESS_CODE action attempt', async () => {
    const id = created.access_code.access_code_id
    const body = expectOk(await api('/access_codes/delete', { json: { access_code_id: id } }))
    const a = body.action_attempt
    assert.match(a.action_attempt_id, UUID_RE)
    assert.equal(a.action_type, 'DELETE_ACCESS_CODE')
    assert.ok(['pending', 'success'].includes(a.status), `status ${a.status}`)

    const viaGet = await getAttempt(a.action_attempt_id, 'GET')
    assert.equal(viaGet.action_type, 'DELETE_ACCESS_CODE')
    const viaPost = await getAttempt(a.action_attempt_id, 'POST')
    assert.equal(viaPost.action_type, 'DELETE_ACCESS_CODE')

    const done = await waitForSuccess(a.action_attempt_id, 'DELETE_ACCESS_CODE')
    assert.equal(done.error, null)
    await waitGone(id)
  })

  test('DELETE /access_codes/delete?access_code_id=... (the way the SDK calls it)', async () => {
    const other = await createCode(lock)
    const id = other.access_code.access_code_id
    await waitSet(id)
    const body = expectOk(await api('/access_codes/delete', { method: 'DELETE', query: { access_code_id: id, _strict: true } }))
    assert.equal(body.action_attempt.action_type, 'DELETE_ACCESS_CODE')
    await waitForSuccess(body.action_attempt.action_attempt_id, 'DELETE_ACCESS_CODE')
    await waitGone(id)
  })

  test('action_attempts/list by ids', async () => {
    const ids = [created.action_attempt.action_attempt_id]
    const body = expectOk(await api('/action_attempts/list', { json: { action_attempt_ids: ids } }))
    assert.deepEqual(
      body.action_attempts.map((a) => a.action_attempt_id),
      ids,
    )
    const viaGet = expectOk(await api('/action_attempts/list', { method: 'GET', query: { action_attempt_ids: ids } }))
    assert.deepEqual(
      viaGet.action_attempts.map((a) => a.action_attempt_id),
      ids,
    )
  })

  test('unknown or malformed action_attempt_id', async () => {
    expectError(await api('/action_attempts/get', { json: { action_attempt_id: newUuid() } }), { status: 404 })
    expectError(await api('/action_attempts/get', { json: { action_attempt_id: 'nope' } }), { status: 400 })
    expectError(await api('/action_attempts/get', { json: {} }), { status: 400 })
  })
})
