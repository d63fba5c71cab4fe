// Self-test of the OpenAPI validator. Needs no server and no environment.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import * as fx from './fixtures.mjs'
import {
  componentErrors,
  openapi,
  toJsonSchema,
  validateAccessCode,
  validateActionAttempt,
  validateComponent,
  validateDevice,
  validateErrorEnvelope,
  validateEvent,
  validateResponse,
} from './openapi.mjs'

const isAssertion = (e) => e instanceof assert.AssertionError

describe('OpenAPI document', () => {
  test('is the Seam Connect OpenAPI 3.0 document with the paths Keyrack serves', () => {
    assert.match(openapi.openapi, /^3\.0/)
    for (const p of [
      '/access_codes/create',
      '/access_codes/get',
      '/access_codes/list',
      '/access_codes/update',
      '/access_codes/delete',
      '/locks/list',
      '/locks/get',
      '/devices/list',
      '/devices/get',
      '/events/list',
      '/action_attempts/get',
    ]) {
      assert.ok(openapi.paths[p], `missing path ${p}`)
    }
  })
})

describe('OpenAPI 3.0 -> JSON Schema conversion', () => {
  test('nullable allows null', () => {
    assert.deepEqual(toJsonSchema({ type: 'string', nullable: true }), {
      type: ['string', 'null'],
    })
    assert.deepEqual(toJsonSchema({ type: 'string', enum: ['a'], nullable: true }), {
      type: ['string', 'null'],
      enum: ['a', null],
    })
    assert.deepEqual(toJsonSchema({ nullable: true }), {})
    const wrapped = toJsonSchema({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }] })
    assert.deepEqual(wrapped.anyOf[0], { type: 'null' })
  })

  test('boolean exclusiveMinimum becomes numeric', () => {
    assert.deepEqual(toJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true }), {
      type: 'number',
      exclusiveMinimum: 0,
    })
    assert.deepEqual(toJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: false }), {
      type: 'number',
      minimum: 0,
    })
  })

  test('x- keywords and descriptions are dropped, property names are kept', () => {
    const s = toJsonSchema({
      type: 'object',
      description: 'd',
      'x-route-path': '/x',
      properties: { description: { type: 'string' }, 'x-foo': { type: 'number' } },
    })
    assert.deepEqual(s, {
      type: 'object',
      properties: { description: { type: 'string' }, 'x-foo': { type: 'number' } },
    })
  })
})

describe('component schemas', () => {
  test('a complete access_code passes', () => {
    validateAccessCode(fx.accessCode())
    validateAccessCode({ ...fx.accessCode(), status: 'set' })
    validateAccessCode({
      ...fx.accessCode(),
      type: 'time_bound',
      status: 'unset',
      starts_at: '2030-01-01T10:00:00.000Z',
      ends_at: '2030-01-02T10:00:00.000Z',
    })
  })

  test('access_code without code fails', () => {
    const ac = fx.accessCode()
    delete ac.code
    assert.throws(() => validateAccessCode(ac), isAssertion)
    assert.ok(componentErrors('access_code', ac).some((e) => e.params?.missingProperty === 'code'))
  })

  test('access_code with wrong types fails', () => {
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), code: 1357 }), isAssertion)
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), status: 'done' }), isAssertion)
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), access_code_id: 'abc' }), isAssertion)
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), created_at: 'yesterday' }), isAssertion)
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), is_managed: false }), isAssertion)
    assert.throws(() => validateAccessCode({ ...fx.accessCode(), errors: [{ foo: 1 }] }), isAssertion)
  })

  test('the error message lists the ajv errors', () => {
    const ac = fx.accessCode()
    delete ac.code
    assert.throws(
      () => validateAccessCode(ac),
      (e) => isAssertion(e) && /missingProperty/.test(e.message) && /"code"/.test(e.message),
    )
  })

  test('a complete device passes, a broken one fails', () => {
    validateDevice(fx.device())
    const d = fx.device()
    delete d.properties.model
    assert.throws(() => validateDevice(d), isAssertion)
    assert.throws(() => validateDevice({ ...fx.device(), device_type: 'magic_lock' }), isAssertion)
  })

  test('events: access code events pass, missing fields fail', () => {
    validateEvent(fx.event('access_code.created'))
    validateEvent(fx.event('access_code.set_on_device', { code: '1357' }))
    validateEvent(fx.event('access_code.removed_from_device'))
    validateEvent(fx.event('access_code.deleted', { code: '1357' }))
    // set_on_device requires `code`
    assert.throws(() => validateEvent(fx.event('access_code.set_on_device')), isAssertion)
    assert.throws(() => validateEvent(fx.event('access_code.no_such_event')), isAssertion)
    const e = fx.event('access_code.created')
    delete e.connected_account_id
    assert.throws(() => validateEvent(e), isAssertion)
  })

  test('action attempts', () => {
    validateActionAttempt(fx.actionAttempt('DELETE_ACCESS_CODE', 'pending'))
    validateActionAttempt(fx.actionAttempt('DELETE_ACCESS_CODE', 'success'))
    validateActionAttempt(fx.actionAttempt('CREATE_ACCESS_CODE', 'success'))
    validateActionAttempt({
      ...fx.actionAttempt('UPDATE_ACCESS_CODE', 'error'),
      error: { type: 'failed', message: 'no' },
    })
    assert.throws(
      () => validateActionAttempt(fx.actionAttempt('DELETE_ACCESS_CODE', 'finished')),
      isAssertion,
    )
    assert.throws(
      () => validateActionAttempt({ ...fx.actionAttempt('DELETE_ACCESS_CODE', 'error') }),
      isAssertion,
      'an error attempt needs an error object',
    )
  })

  test('unknown component names are rejected', () => {
    assert.throws(() => validateComponent('no_such_thing', {}), isAssertion)
  })
})

describe('validateResponse', () => {
  test('access code responses', () => {
    validateResponse('/access_codes/get', 'GET', 200, { ok: true, access_code: fx.accessCode() })
    validateResponse('/access_codes/get', 'post', 200, { ok: true, access_code: fx.accessCode() })
    validateResponse('/access_codes/create', 'POST', 200, {
      ok: true,
      access_code: fx.accessCode(),
      action_attempt: fx.actionAttempt('CREATE_ACCESS_CODE', 'pending'),
    })
    validateResponse('/access_codes/list', 'GET', 200, {
      ok: true,
      access_codes: [fx.accessCode()],
      pagination: fx.pagination(),
    })
    validateResponse('/access_codes/update', 'PATCH', 200, {
      ok: true,
      action_attempt: fx.actionAttempt('UPDATE_ACCESS_CODE', 'pending'),
    })
    validateResponse('/access_codes/delete', 'DELETE', 200, {
      ok: true,
      action_attempt: fx.actionAttempt('DELETE_ACCESS_CODE', 'pending'),
    })
  })

  test('device and event responses', () => {
    validateResponse('/devices/list', 'GET', 200, {
      ok: true,
      devices: [fx.device()],
      pagination: fx.pagination(),
    })
    validateResponse('/locks/list', 'GET', 200, { ok: true, locks: [fx.device()], devices: [fx.device()] })
    validateResponse('/locks/get', 'GET', 200, { ok: true, lock: fx.device(), device: fx.device() })
    validateResponse('/devices/get', 'GET', 200, { ok: true, device: fx.device() })
    validateResponse('/events/list', 'GET', 200, { ok: true, events: [fx.event()] })
    validateResponse('/action_attempts/get', 'GET', 200, {
      ok: true,
      action_attempt: fx.actionAttempt('DELETE_ACCESS_CODE', 'success'),
    })
  })

  test('invalid success bodies fail', () => {
    const ac = fx.accessCode()
    delete ac.code
    assert.throws(
      () => validateResponse('/access_codes/get', 'GET', 200, { ok: true, access_code: ac }),
      isAssertion,
    )
    // create must also return the action attempt
    assert.throws(
      () => validateResponse('/access_codes/create', 'POST', 200, { ok: true, access_code: fx.accessCode() }),
      isAssertion,
    )
    // locks/list must carry both `locks` and `devices`
    assert.throws(
      () => validateResponse('/locks/list', 'GET', 200, { ok: true, locks: [fx.device()] }),
      isAssertion,
    )
    // devices/list must carry pagination
    assert.throws(
      () => validateResponse('/devices/list', 'GET', 200, { ok: true, devices: [] }),
      isAssertion,
    )
    // ok must be true on success
    assert.throws(
      () => validateResponse('/devices/get', 'GET', 200, { ok: false, device: fx.device() }),
      isAssertion,
    )
  })

  test('operations missing from the document are reported', () => {
    assert.throws(() => validateResponse('/access_codes/create', 'GET', 200, { ok: true }), isAssertion)
    assert.throws(() => validateResponse('/nope', 'POST', 200, { ok: true }), isAssertion)
  })

  test('error envelope', () => {
    const err = { ok: false, error: { type: 'access_code_not_found', message: 'Access code not found' } }
    validateResponse('/access_codes/get', 'GET', 404, err)
    validateResponse('/no/such/route', 'POST', 404, err)
    validateErrorEnvelope({ ...err, error: { ...err.error, validation_errors: { code: { _errors: ['x'] } } } })
    for (const bad of [
      null,
      'Not Found',
      [],
      { ok: false },
      { ok: true, error: err.error },
      { ok: false, error: { type: 'x' } },
      { ok: false, error: { message: 'x' } },
      { ok: false, error: { type: 404, message: 'x' } },
      { ok: false, error: 'nope' },
    ]) {
      assert.throws(() => validateResponse('/access_codes/get', 'GET', 404, bad), isAssertion, JSON.stringify(bad))
    }
  })
})
