// 6. Workspace isolation: workspace 2 sees nothing of workspace 1 (ttlock_lock).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import {
  api,
  cfg,
  cleanupRegistry,
  expectError,
  expectOk,
  expectSdkError,
  lockOfType,
  poll,
  randomPin,
  requireServer,
  sdk,
  SINCE,
  uniqueName,
} from './support.mjs'

requireServer()

const ws1 = sdk(cfg.apiKey)
const ws2 = sdk(cfg.secondApiKey)
const cleanup = cleanupRegistry()
after(() => cleanup.run())

/** SDK call that must either fail with one of the 404 codes or return a list without `pred` hits. */
async function notFoundOrWithout(promise, pred, codes, what) {
  try {
    const list = await promise
    assert.ok(Array.isArray(list), `${what}: expected a list`)
    assert.deepEqual(list.filter(pred), [], `${what} leaks workspace 1 data`)
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    assert.equal(err.statusCode, 404, `${what}: ${err.code} ${err.message}`)
    assert.ok(codes.includes(err.code), `${what}: error code ${err.code}`)
  }
}

describe('workspace isolation', () => {
  let lock1
  let code1
  let createAttemptId
  let ws2Locks

  before(async () => {
    assert.notEqual(cfg.apiKey, cfg.secondApiKey, 'KEYRACK_API_KEY and KEYRACK_SECOND_API_KEY must differ')
    lock1 = await lockOfType('ttlock_lock')
    ws2Locks = await ws2.locks.list()
    // created over raw HTTP to keep the action attempt id
    const body = expectOk(
      await api('/access_codes/create', {
        json: { device_id: lock1.device_id, name: uniqueName('iso'), code: randomPin(6) },
      }),
    )
    code1 = body.access_code
    createAttemptId = body.action_attempt.action_attempt_id
    cleanup.add(code1.access_code_id)
    // let any asynchronous work produce events
    await poll(async () => (await ws1.accessCodes.get({ access_code_id: code1.access_code_id })).status === 'set', {
      what: 'the workspace 1 code to be set',
    })
  })

  test('the two keys belong to different workspaces', async () => {
    assert.ok(ws2Locks.length > 0, 'workspace 2 should have its own seeded locks')
    for (const d of ws2Locks) {
      assert.notEqual(d.workspace_id, lock1.workspace_id, 'workspace 2 lists a workspace 1 device')
      assert.notEqual(d.device_id, lock1.device_id)
    }
  })

  test("workspace 2 cannot get workspace 1's access code", async () => {
    await expectSdkError(ws2.accessCodes.get({ access_code_id: code1.access_code_id }), {
      code: 'access_code_not_found',
      statusCode: 404,
    })
    expectError(await api('/access_codes/get', { json: { access_code_id: code1.access_code_id }, apiKey: cfg.secondApiKey }), {
      status: 404,
      type: 'access_code_not_found',
    })
    await expectSdkError(ws2.accessCodes.get({ device_id: lock1.device_id, code: code1.code }), { statusCode: 404 })
  })

  test("workspace 2 cannot update or delete workspace 1's access code", async () => {
    await expectSdkError(ws2.accessCodes.update({ access_code_id: code1.access_code_id, name: 'hijacked' }), {
      code: 'access_code_not_found',
      statusCode: 404,
    })
    await expectSdkError(ws2.accessCodes.delete({ access_code_id: code1.access_code_id }), {
      code: 'access_code_not_found',
      statusCode: 404,
    })
    expectError(
      await api('/access_codes/delete', { json: { access_code_id: code1.access_code_id }, apiKey: cfg.secondApiKey }),
      { status: 404, type: 'access_code_not_found' },
    )
    const still = await ws1.accessCodes.get({ access_code_id: code1.access_code_id })
    assert.equal(still.status, 'set', 'the code is untouched in workspace 1')
    assert.equal(still.name, code1.name)
  })

  test("workspace 2's lists do not contain it", async () => {
    for (const d of ws2Locks) {
      const codes = await ws2.accessCodes.list({ device_id: d.device_id })
      assert.ok(!codes.some((c) => c.access_code_id === code1.access_code_id), `listed on ws2 lock ${d.device_id}`)
      assert.ok(codes.every((c) => c.workspace_id !== lock1.workspace_id), 'ws2 list returns ws1 codes')
    }
    await notFoundOrWithout(
      ws2.accessCodes.list({ device_id: lock1.device_id }),
      () => true,
      ['device_not_found'],
      "ws2 access_codes.list({device_id: ws1's lock})",
    )
    await notFoundOrWithout(
      ws2.accessCodes.list({ access_code_ids: [code1.access_code_id] }),
      () => true,
      ['access_code_not_found'],
      "ws2 access_codes.list({access_code_ids: [ws1's code]})",
    )
  })

  test("workspace 2 cannot see workspace 1's devices", async () => {
    await expectSdkError(ws2.devices.get({ device_id: lock1.device_id }), { code: 'device_not_found', statusCode: 404 })
    await expectSdkError(ws2.locks.get({ device_id: lock1.device_id }), { code: 'device_not_found', statusCode: 404 })
    const devices = await ws2.devices.list()
    assert.ok(!devices.some((d) => d.device_id === lock1.device_id), 'ws1 device in ws2 devices.list')
    assert.ok(!ws2Locks.some((d) => d.device_id === lock1.device_id), 'ws1 device in ws2 locks.list')
  })

  test("workspace 2 cannot create codes on workspace 1's lock", async () => {
    const name = uniqueName('hijack')
    await expectSdkError(ws2.accessCodes.create({ device_id: lock1.device_id, name, code: randomPin(6) }), {
      code: 'device_not_found',
      statusCode: 404,
    })
    const codes = await ws1.accessCodes.list({ device_id: lock1.device_id })
    assert.ok(!codes.some((c) => c.name === name), 'nothing created')
  })

  test("workspace 1's events are not in workspace 2's events.list", async () => {
    const mine = await ws1.events.list({ access_code_id: code1.access_code_id, since: SINCE })
    assert.ok(mine.some((e) => e.event_type === 'access_code.created'), 'ws1 sees its own events')

    await notFoundOrWithout(
      ws2.events.list({ access_code_id: code1.access_code_id, since: SINCE }),
      () => true,
      ['access_code_not_found'],
      "ws2 events.list({access_code_id: ws1's code})",
    )
    await notFoundOrWithout(
      ws2.events.list({ device_id: lock1.device_id, since: SINCE }),
      () => true,
      ['device_not_found'],
      "ws2 events.list({device_id: ws1's lock})",
    )
    const ws1EventIds = new Set(mine.map((e) => e.event_id))
    for (const d of ws2Locks) {
      const events = await ws2.events.list({ device_id: d.device_id, since: SINCE })
      for (const e of events) {
        assert.ok(!ws1EventIds.has(e.event_id), 'a ws1 event shows up in ws2')
        assert.notEqual(e.workspace_id, lock1.workspace_id, 'ws2 events.list returns ws1 events')
      }
    }
    expectError(
      await api('/events/get', { json: { event_id: [...ws1EventIds][0] }, apiKey: cfg.secondApiKey }),
      { status: 404 },
    )
  })

  test("workspace 2 cannot read workspace 1's action attempts", async () => {
    expectError(
      await api('/action_attempts/get', { json: { action_attempt_id: createAttemptId }, apiKey: cfg.secondApiKey }),
      { status: 404 },
    )
    expectOk(await api('/action_attempts/get', { json: { action_attempt_id: createAttemptId } }))
  })
})
