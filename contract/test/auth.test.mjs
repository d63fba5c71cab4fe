// 5. Authentication: missing or wrong keys get 401 with the error envelope.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'

import { SeamHttpUnauthorizedError } from 'seam'

import {
  api,
  cfg,
  expectError,
  expectOk,
  newUuid,
  requireServer,
  sdk,
} from './support.mjs'

requireServer()

const wrongKey = () => `seam_${randomBytes(16).toString('hex')}`

const PROBES = [
  ['GET', '/locks/list', {}],
  ['POST', '/devices/list', { json: {} }],
  ['POST', '/access_codes/create', { json: { device_id: newUuid(), name: 'auth-probe', code: '583916' } }],
  ['GET', '/access_codes/get', { query: { access_code_id: newUuid() } }],
  ['POST', '/events/list', { json: { device_id: newUuid() } }],
  ['GET', '/action_attempts/get', { query: { action_attempt_id: newUuid() } }],
]

describe('authentication', () => {
  test('no Authorization header -> 401', async () => {
    for (const [method, path, opts] of PROBES) {
      expectError(await api(path, { method, ...opts, apiKey: null }), { status: 401 }, 'no key')
    }
  })

  test('wrong API key -> 401', async () => {
    for (const [method, path, opts] of PROBES) {
      expectError(await api(path, { method, ...opts, apiKey: wrongKey() }), { status: 401 }, 'wrong key')
    }
  })

  test('malformed Authorization headers -> 401', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from(`${cfg.apiKey}:`).toString('base64')}`,
      cfg.apiKey, // no scheme
      `Bearer ${cfg.apiKey}x`,
      `Bearer ${cfg.apiKey.slice(0, -1)}`,
    ]) {
      expectError(await api('/locks/list', { method: 'GET', authorization }), { status: 401 }, `Authorization: ${authorization.slice(0, 12)}...`)
    }
  })

  test('the right key works (bearer scheme is case-insensitive)', async () => {
    expectOk(await api('/locks/list', { method: 'GET' }))
    expectOk(await api('/locks/list', { method: 'GET', authorization: `bearer ${cfg.apiKey}` }))
  })

  test('SDK with a wrong key throws SeamHttpUnauthorizedError', async () => {
    const seam = sdk(wrongKey())
    for (const call of [() => seam.locks.list(), () => seam.accessCodes.get({ access_code_id: newUuid() })]) {
      await assert.rejects(call(), (err) => {
        assert.ok(err instanceof SeamHttpUnauthorizedError, `got ${err?.name}: ${err?.message}`)
        assert.equal(err.statusCode, 401)
        assert.equal(err.code, 'unauthorized')
        return true
      })
    }
  })
})
