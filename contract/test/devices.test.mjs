// 1. Devices: the seeded sandbox locks, through the SDK and raw HTTP.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { validateDevice } from './openapi.mjs'
import {
  api,
  expectError,
  expectOk,
  expectSdkError,
  newUuid,
  requireServer,
  sdk,
  sdkStats,
  UUID_RE,
} from './support.mjs'

requireServer()

const SEEDED_TYPES = [
  'august_lock',
  'kwikset_lock',
  'schlage_lock',
  'yale_lock',
  'nuki_lock',
  'igloohome_lock',
  'smartthings_lock',
  'lockly_lock',
  'ttlock_lock',
  'tedee_lock',
]

const seam = sdk()

function assertSeededLocks(devices, what) {
  const types = new Set(devices.map((d) => d.device_type))
  const missing = SEEDED_TYPES.filter((t) => !types.has(t))
  assert.deepEqual(missing, [], `${what} lacks seeded lock types (has: ${[...types].join(', ')})`)
  const ids = devices.map((d) => d.device_id)
  assert.equal(new Set(ids).size, ids.length, `${what}: device_ids must be unique`)
  const workspaces = new Set(devices.map((d) => d.workspace_id))
  assert.equal(workspaces.size, 1, `${what}: all devices belong to the caller's one workspace`)
  for (const d of devices) {
    validateDevice(d)
    assert.match(d.device_id, UUID_RE)
    if (SEEDED_TYPES.includes(d.device_type)) {
      assert.ok(
        d.capabilities_supported.includes('access_code'),
        `${d.device_type} ${d.device_id} must list 'access_code' in capabilities_supported`,
      )
      assert.ok(
        d.capabilities_supported.includes('lock'),
        `${d.device_type} ${d.device_id} must list 'lock' in capabilities_supported`,
      )
    }
  }
}

describe('devices and locks', () => {
  test('SDK seam.locks.list() returns the seeded sandbox locks', async () => {
    const locks = await seam.locks.list()
    assert.ok(Array.isArray(locks))
    assertSeededLocks(locks, 'locks.list')
  })

  test('SDK seam.devices.list() returns the seeded sandbox locks', async () => {
    const devices = await seam.devices.list()
    assert.ok(Array.isArray(devices))
    assertSeededLocks(devices, 'devices.list')
    const locks = await seam.locks.list()
    const deviceIds = new Set(devices.map((d) => d.device_id))
    for (const l of locks) assert.ok(deviceIds.has(l.device_id), `lock ${l.device_id} missing from devices.list`)
  })

  test('SDK locks.get / devices.get by device_id, one of each seeded type', async () => {
    const locks = await seam.locks.list()
    for (const type of SEEDED_TYPES) {
      const lock = locks.find((d) => d.device_type === type)
      const viaLocks = await seam.locks.get({ device_id: lock.device_id })
      assert.equal(viaLocks.device_id, lock.device_id)
      assert.equal(viaLocks.device_type, type)
      validateDevice(viaLocks)
      const viaDevices = await seam.devices.get({ device_id: lock.device_id })
      assert.equal(viaDevices.device_id, lock.device_id)
      assert.equal(viaDevices.device_type, type)
      assert.equal(viaDevices.workspace_id, lock.workspace_id)
      validateDevice(viaDevices)
    }
  })

  test('SDK devices.get / locks.get with an unknown device_id -> device_not_found 404', async () => {
    await expectSdkError(seam.devices.get({ device_id: newUuid() }), { code: 'device_not_found', statusCode: 404 })
    await expectSdkError(seam.locks.get({ device_id: newUuid() }), { code: 'device_not_found', statusCode: 404 })
  })

  test('raw GET and POST /locks/list, /devices/list, /locks/get, /devices/get', async () => {
    const getList = expectOk(await api('/locks/list', { method: 'GET' }))
    assertSeededLocks(getList.locks, 'GET /locks/list locks')
    assert.deepEqual(
      getList.devices.map((d) => d.device_id).sort(),
      getList.locks.map((d) => d.device_id).sort(),
      '/locks/list: `locks` and `devices` carry the same devices',
    )
    const postList = expectOk(await api('/locks/list', { method: 'POST', json: {} }))
    assertSeededLocks(postList.locks, 'POST /locks/list locks')

    const devGet = expectOk(await api('/devices/list', { method: 'GET' }))
    assertSeededLocks(devGet.devices, 'GET /devices/list')
    const devPost = expectOk(await api('/devices/list', { method: 'POST', json: {} }))
    assertSeededLocks(devPost.devices, 'POST /devices/list')

    const one = getList.locks.find((d) => d.device_type === 'august_lock')
    const lockGet = expectOk(await api('/locks/get', { method: 'GET', query: { device_id: one.device_id } }))
    assert.equal(lockGet.lock.device_id, one.device_id)
    assert.equal(lockGet.device.device_id, one.device_id)
    const lockPost = expectOk(await api('/locks/get', { json: { device_id: one.device_id } }))
    assert.equal(lockPost.lock.device_id, one.device_id)
    const dGet = expectOk(await api('/devices/get', { method: 'GET', query: { device_id: one.device_id } }))
    assert.equal(dGet.device.device_id, one.device_id)
    const dPost = expectOk(await api('/devices/get', { json: { device_id: one.device_id } }))
    assert.equal(dPost.device.device_id, one.device_id)
  })

  test('raw /devices/get with unknown or malformed device_id', async () => {
    expectError(await api('/devices/get', { json: { device_id: newUuid() } }), { status: 404, type: 'device_not_found' })
    expectError(await api('/locks/get', { method: 'GET', query: { device_id: newUuid() } }), {
      status: 404,
      type: 'device_not_found',
    })
    expectError(await api('/devices/get', { json: { device_id: 'not-a-uuid' } }), { status: 400 })
  })

  test('every SDK response was validated against the OpenAPI document', () => {
    assert.ok(sdkStats.validated > 0)
  })
})
