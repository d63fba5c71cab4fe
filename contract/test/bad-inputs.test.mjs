// 4. Bad inputs over raw HTTP: always a 4xx with the error envelope, never a
// 5xx, and nothing half written. Devices: schlage_lock and igloohome_lock
// (validation), yale_lock (duplicate PIN), kwikset_lock (start without end,
// a rule the contract states for Kwikset).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import {
  api,
  cleanupRegistry,
  expectError,
  expectOk,
  is4xx,
  listCodes,
  lockOfType,
  newUuid,
  randomPin,
  requireServer,
  uniqueName,
} from './support.mjs'

requireServer()

const cleanup = cleanupRegistry()
after(() => cleanup.run())

const badNames = new Set()
const badName = () => {
  const n = uniqueName('bad')
  badNames.add(n)
  return n
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString()
const inADay = () => new Date(Date.now() + 86_400_000).toISOString()

describe('bad inputs (raw HTTP)', () => {
  let schlage
  let igloohome
  let yale
  let kwikset
  const before_ = new Map()

  before(async () => {
    ;[schlage, igloohome, yale, kwikset] = await Promise.all([
      lockOfType('schlage_lock'),
      lockOfType('igloohome_lock'),
      lockOfType('yale_lock'),
      lockOfType('kwikset_lock'),
    ])
    for (const d of [schlage, igloohome, yale]) {
      before_.set(d.device_id, new Set((await listCodes(d.device_id)).map((c) => c.access_code_id)))
    }
  })

  describe('malformed requests', () => {
    test('malformed JSON body -> 400', async () => {
      const res = await api('/access_codes/create', { rawBody: `{"device_id": "${schlage.device_id}", "name": ` })
      expectError(res, { status: 400 })
    })

    test('a JSON array as body -> 400', async () => {
      expectError(await api('/access_codes/create', { rawBody: JSON.stringify([{ device_id: schlage.device_id }]) }), {
        status: 400,
      })
    })

    test('a JSON string / number / null as body -> 400', async () => {
      for (const rawBody of ['"hello"', '42', 'null']) {
        expectError(await api('/access_codes/create', { rawBody }), { status: 400 }, `body ${rawBody}`)
      }
    })

    test('empty body / missing device_id -> 400', async () => {
      expectError(await api('/access_codes/create', { json: {} }), { status: 400 })
      expectError(await api('/access_codes/create', { json: { name: badName(), code: randomPin(6) } }), { status: 400 })
    })

    test("events/list takes exactly the OpenAPI document's event types", async () => {
      const { openapi } = await import('./openapi.mjs')
      const schema = openapi.paths['/events/list'].post.requestBody.content['application/json'].schema
      const types = schema.properties.event_type.enum
      assert.ok(types.length > 50, 'the document lists the event types')
      // every one in one request (event_types), and each alone
      expectOk(await api('/events/list', { json: { event_types: types.slice(0, 100), limit: 1 } }))
      for (const t of types) {
        const res = await api('/events/list', { method: 'GET', query: { event_type: t, limit: 1 } })
        assert.equal(res.status, 200, `${t} -> ${res.status} ${JSON.stringify(res.body)}`)
      }
      expectError(await api('/events/list', { method: 'GET', query: { event_type: 'access_code.bogus' } }), { status: 400 })
    })

    test('unknown route -> 404', async () => {
      expectError(await api('/access_codes/frobnicate', { json: {} }), { status: 404 })
      expectError(await api('/no_such_resource/list', { method: 'GET' }), { status: 404 })
    })

    test('a method the OpenAPI document does not list -> 4xx', async () => {
      expectError(await api('/access_codes/create', { method: 'GET', query: { device_id: schlage.device_id } }), {
        status: (s) => s === 404 || s === 405,
      })
    })
  })

  describe('device_id problems', () => {
    test('device_id that is not a uuid -> 400', async () => {
      const res = await api('/access_codes/create', { json: { device_id: 'not-a-uuid', name: badName(), code: randomPin(6) } })
      expectError(res, { status: 400 })
    })

    test('device_id of a device that does not exist -> 404 device_not_found', async () => {
      const res = await api('/access_codes/create', { json: { device_id: newUuid(), name: badName(), code: randomPin(6) } })
      expectError(res, { status: 404, type: 'device_not_found' })
    })

    test('device_id as a number -> 400', async () => {
      expectError(await api('/access_codes/create', { json: { device_id: 12345, name: badName() } }), { status: 400 })
    })
  })

  describe('field problems (schlage_lock)', () => {
    test('name as a number -> 400', async () => {
      const res = await api('/access_codes/create', { json: { device_id: schlage.device_id, name: 12345, code: randomPin(6) } })
      expectError(res, { status: 400 })
    })

    test("code 'abc' -> 400", async () => {
      const res = await api('/access_codes/create', { json: { device_id: schlage.device_id, name: badName(), code: 'abc' } })
      expectError(res, { status: 400 })
    })

    test("code '12' (too short) -> 400", async () => {
      const res = await api('/access_codes/create', { json: { device_id: schlage.device_id, name: badName(), code: '12' } })
      expectError(res, { status: 400 })
    })

    test("code '123456789012345' (too long) -> 400", async () => {
      const res = await api('/access_codes/create', {
        json: { device_id: schlage.device_id, name: badName(), code: '123456789012345' },
      })
      expectError(res, { status: 400 })
    })

    test('code as a number -> 400', async () => {
      const res = await api('/access_codes/create', { json: { device_id: schlage.device_id, name: badName(), code: 583_916 } })
      expectError(res, { status: 400 })
    })
  })

  describe('field problems (igloohome_lock)', () => {
    test('name of 5000 characters -> 4xx', async () => {
      const res = await api('/access_codes/create', {
        json: { device_id: igloohome.device_id, name: 'n'.repeat(5000), code: randomPin(5) },
      })
      expectError(res, { status: is4xx })
      const codes = await listCodes(igloohome.device_id)
      assert.ok(!codes.some((c) => (c.name ?? '').startsWith('nnnnnnnnnn')), 'the 5000-char name must not be stored')
    })

    test('garbage starts_at / ends_at -> 400', async () => {
      for (const [starts_at, ends_at] of [
        ['not a date', inADay()],
        [inAnHour(), 'tomorrow-ish'],
        ['2030-13-45T99:99:99Z', '2030-14-01T00:00:00Z'],
      ]) {
        const res = await api('/access_codes/create', {
          json: { device_id: igloohome.device_id, name: badName(), code: randomPin(5), starts_at, ends_at },
        })
        expectError(res, { status: 400 }, `starts_at=${starts_at} ends_at=${ends_at}`)
      }
    })

    test('ends_at before starts_at -> 4xx', async () => {
      const res = await api('/access_codes/create', {
        json: { device_id: igloohome.device_id, name: badName(), code: randomPin(5), starts_at: inADay(), ends_at: inAnHour() },
      })
      expectError(res, { status: is4xx })
    })
  })

  describe('time bounds (kwikset_lock)', () => {
    test('starts_at without ends_at -> 4xx', async () => {
      const res = await api('/access_codes/create', {
        json: { device_id: kwikset.device_id, name: badName(), code: randomPin(6), starts_at: inAnHour() },
      })
      expectError(res, { status: is4xx })
    })
  })

  describe('duplicate PIN (yale_lock)', () => {
    let first
    const pin = randomPin(6)

    test('the same PIN twice on one lock: second refused, not created', async () => {
      const created = expectOk(
        await api('/access_codes/create', { json: { device_id: yale.device_id, name: uniqueName('dup'), code: pin } }),
      )
      first = cleanup.add(created.access_code.access_code_id)
      const countBefore = (await listCodes(yale.device_id)).length

      const res = await api('/access_codes/create', { json: { device_id: yale.device_id, name: badName(), code: pin } })
      expectError(res, { status: is4xx, type: 'duplicate_code_on_device' })

      const codes = await listCodes(yale.device_id)
      assert.equal(codes.length, countBefore, 'the refused duplicate must not be created')
      assert.equal(codes.filter((c) => c.code === pin).length, 1, 'exactly one code with that PIN on the lock')
    })

    test('update with a bad code -> 400 and the code is unchanged', async () => {
      assert.ok(first, 'needs the code from the previous test')
      for (const code of ['abc', '12', '123456789012345']) {
        expectError(await api('/access_codes/update', { json: { access_code_id: first, code } }), { status: 400 }, `code ${code}`)
      }
      const got = expectOk(await api('/access_codes/get', { json: { access_code_id: first } }))
      assert.equal(got.access_code.code, pin)
    })

    test('delete it', async () => {
      expectOk(await api('/access_codes/delete', { json: { access_code_id: first } }))
    })
  })

  describe('unknown ids', () => {
    test('access_codes/get with an unknown uuid -> 404 access_code_not_found (POST and GET)', async () => {
      expectError(await api('/access_codes/get', { json: { access_code_id: newUuid() } }), {
        status: 404,
        type: 'access_code_not_found',
      })
      expectError(await api('/access_codes/get', { method: 'GET', query: { access_code_id: newUuid() } }), {
        status: 404,
        type: 'access_code_not_found',
      })
    })

    test('access_codes/get with a malformed id -> 400', async () => {
      expectError(await api('/access_codes/get', { json: { access_code_id: 'nope' } }), { status: 400 })
    })

    test('update / delete an unknown access code -> 404 access_code_not_found', async () => {
      expectError(await api('/access_codes/update', { json: { access_code_id: newUuid(), name: badName() } }), {
        status: 404,
        type: 'access_code_not_found',
      })
      expectError(await api('/access_codes/delete', { json: { access_code_id: newUuid() } }), {
        status: 404,
        type: 'access_code_not_found',
      })
    })

    test('access_codes/list for an unknown device -> 404 device_not_found', async () => {
      expectError(await api('/access_codes/list', { json: { device_id: newUuid() } }), {
        status: 404,
        type: 'device_not_found',
      })
    })
  })

  describe('nothing half written', () => {
    test('no code from the battery exists on any lock', async () => {
      for (const d of [schlage, igloohome, yale, kwikset]) {
        const codes = await listCodes(d.device_id)
        const leaked = codes.filter((c) => badNames.has(c.name))
        assert.deepEqual(leaked, [], `refused requests left codes on ${d.device_type}`)
      }
    })

    test('the battery devices have no extra codes', async () => {
      for (const d of [schlage, igloohome, yale]) {
        const now = (await listCodes(d.device_id)).map((c) => c.access_code_id)
        const allowed = before_.get(d.device_id)
        const extra = now.filter((id) => !allowed.has(id) && !cleanup.has(id))
        assert.deepEqual(extra, [], `extra codes on ${d.device_type} after the bad-input battery`)
      }
    })
  })
})
