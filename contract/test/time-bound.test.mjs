// 8. Time-bound access codes (CONTRACT.md "Lifecycle" and "Native scheduling
// by provider"), through the SDK and raw HTTP. Devices: smartthings_lock
// (just-in-time), wyze_lock (native), two_n_intercom (native, forced
// just-in-time; and the validation battery), kwikset_lock (its time-bound
// rules; nothing is created there).
//
// The scenarios are independent and use different locks, so they run
// concurrently (each one's steps run in order). The slow ones wait for real
// starts_at / ends_at moments 15-30 s ahead, which keeps the file ~40 s.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { validateAccessCode, validateEvent } from './openapi.mjs'
import {
  api,
  cleanupRegistry,
  eventsForCode,
  expectError,
  expectOk,
  expectSdkError,
  listCodes,
  locksByType,
  poll,
  randomPin,
  requireServer,
  sdk,
  SINCE,
  sleep,
  uniqueName,
  UUID_RE,
} from './support.mjs'

requireServer()

const seam = sdk()
const cleanup = cleanupRegistry()
after(() => cleanup.run())

const JIT_LOCK = 'smartthings_lock'
const NATIVE_LOCK = 'wyze_lock'
const NATIVE_LOCK_2 = 'two_n_intercom'
const KWIKSET = 'kwikset_lock'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
/** Server and tests share a clock here; allow this much for rounding and skew. */
const CLOCK_SLACK = 1500

const iso = (ms) => new Date(ms).toISOString()
const inMs = (ms) => iso(Date.now() + ms)

let locksPromise
async function lock(type) {
  locksPromise ??= locksByType()
  const d = (await locksPromise).get(type)
  assert.ok(d, `no ${type} in the workspace's locks (seeded: ${[...(await locksPromise).keys()].join(', ')})`)
  return d
}

/** Raw GET /access_codes/get: {status: 200, ac} or {status: 404}; anything else fails. */
async function rawGet(id) {
  const res = await api('/access_codes/get', { method: 'GET', query: { access_code_id: id } })
  if (res.status === 404) {
    expectError(res, { status: 404, type: 'access_code_not_found' }, `get ${id}`)
    return { status: 404 }
  }
  const ac = expectOk(res).access_code
  assert.equal(ac.access_code_id, id)
  return { status: 200, ac }
}

/** SDK get: the access code, or null when the SDK throws access_code_not_found (404). */
async function sdkGet(id) {
  try {
    const ac = await seam.accessCodes.get({ access_code_id: id })
    validateAccessCode(ac)
    assert.equal(ac.access_code_id, id)
    return ac
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    await expectSdkError(Promise.reject(err), { code: 'access_code_not_found', statusCode: 404 })
    return null
  }
}

/** Events of one code via the SDK, validated, checked to belong to it. */
async function sdkEvents(id) {
  const events = await seam.events.list({ access_code_id: id, since: SINCE })
  for (const e of events) {
    validateEvent(e)
    assert.equal(e.access_code_id, id, 'events.list({access_code_id}) returned an event of another code')
  }
  return events
}

const typesOf = (events) => events.map((e) => e.event_type)

/** Polls events (SDK or raw) until every wanted type is there. */
async function waitForEvents(id, wanted, { raw = false, timeout = 10_000 } = {}) {
  return poll(
    async () => {
      const events = raw ? await eventsForCode(id) : await sdkEvents(id)
      const have = new Set(typesOf(events))
      return wanted.every((t) => have.has(t)) ? events : false
    },
    { timeout, what: `events ${wanted.join(', ')} for ${id}` },
  )
}

/** Asserts that the first event of each type occurred in this order (by occurred_at). */
function assertEventOrder(events, order) {
  const at = (type) => {
    const e = events.filter((x) => x.event_type === type).sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at))[0]
    assert.ok(e, `no ${type} event; have ${typesOf(events).join(', ')}`)
    return Date.parse(e.occurred_at)
  }
  for (let i = 1; i < order.length; i++) {
    assert.ok(
      at(order[i - 1]) <= at(order[i]),
      `${order[i - 1]} (${iso(at(order[i - 1]))}) must come before ${order[i]} (${iso(at(order[i]))}); events: ${JSON.stringify(
        events.map((e) => [e.event_type, e.occurred_at]),
      )}`,
    )
  }
}

function assertWindow(ac, startsAt, endsAt, context) {
  assert.equal(ac.type, 'time_bound', `${context}: type`)
  assert.equal(Date.parse(ac.starts_at), Date.parse(startsAt), `${context}: starts_at ${ac.starts_at}, sent ${startsAt}`)
  assert.equal(Date.parse(ac.ends_at), Date.parse(endsAt), `${context}: ends_at ${ac.ends_at}, sent ${endsAt}`)
}

/** The code waits for just-in-time programming: deferring_creation at starts_at - 60 min. */
function assertDeferred(ac, startsAt, context) {
  const deferring = (ac.pending_mutations ?? []).filter((m) => m.mutation_code === 'deferring_creation')
  assert.equal(
    deferring.length,
    1,
    `${context}: pending_mutations must hold one deferring_creation, got ${JSON.stringify(ac.pending_mutations)}`,
  )
  const want = Date.parse(startsAt) - HOUR
  const got = Date.parse(deferring[0].scheduled_at)
  assert.ok(
    Math.abs(got - want) <= MINUTE,
    `${context}: deferring_creation.scheduled_at ${deferring[0].scheduled_at}, expected about ${iso(want)} (starts_at - 60 min)`,
  )
}

/**
 * Polls until the code is gone (404) and returns the time the code was first
 * seen removing or gone. Before that it must be `okStatuses`; afterwards `removing`.
 */
async function waitGone(id, { getter = 'raw', okStatuses = ['set'], timeout = 25_000 } = {}) {
  let firstRemovalSeen = null
  await poll(
    async () => {
      const ac = getter === 'raw' ? (await rawGet(id)).ac ?? null : await sdkGet(id)
      if (ac == null) {
        firstRemovalSeen ??= Date.now()
        return true
      }
      if (ac.status === 'removing') {
        firstRemovalSeen ??= Date.now()
        return false
      }
      assert.equal(firstRemovalSeen, null, `${id} went back to ${ac.status} after removing`)
      assert.ok(okStatuses.includes(ac.status), `${id}: unexpected status ${ac.status} while waiting for removal (allowed ${okStatuses})`)
      return false
    },
    { timeout, interval: 250, what: `${id} to be removed and gone (404)` },
  )
  return firstRemovalSeen
}

describe('time-bound access codes', { concurrency: true }, () => {
  // -------------------------------------------------------------------------
  describe(`1. just-in-time lock (${JIT_LOCK}), start in 2 h: deferred`, { concurrency: false }, () => {
    let device
    let id
    let startsAt
    let endsAt
    const pin = randomPin(6)

    before(async () => {
      device = await lock(JIT_LOCK)
    })

    test('create (SDK) answers unset, not scheduled on the device, deferring_creation', async () => {
      startsAt = inMs(2 * HOUR)
      endsAt = inMs(3 * HOUR)
      const ac = await seam.accessCodes.create({
        device_id: device.device_id,
        name: uniqueName('jit'),
        code: pin,
        starts_at: startsAt,
        ends_at: endsAt,
      })
      id = cleanup.add(ac.access_code_id)
      validateAccessCode(ac)
      assert.match(id, UUID_RE)
      assert.equal(ac.status, 'unset', 'a time-bound code is unset at creation')
      assert.equal(ac.is_scheduled_on_device ?? false, false, `${JIT_LOCK} has no native scheduling`)
      assertWindow(ac, startsAt, endsAt, 'create')
      assert.equal(ac.code, pin)
      assertDeferred(ac, startsAt, 'create')
    })

    test('2 s later (raw GET) it is still unset and not programmed; only access_code.created', async () => {
      assert.ok(id, 'needs the code from the previous test')
      await sleep(2000)
      const { status, ac } = await rawGet(id)
      assert.equal(status, 200)
      assert.equal(ac.status, 'unset', 'a code starting in 2 h must not be programmed yet on a just-in-time lock')
      assert.equal(ac.is_scheduled_on_device ?? false, false)
      assertWindow(ac, startsAt, endsAt, 'get')
      assertDeferred(ac, startsAt, 'get')
      const events = await eventsForCode(id)
      assert.deepEqual(typesOf(events), ['access_code.created'], 'events of a deferred code')
    })

    test('delete (SDK): gone, deleted without removed_from_device (it never was on the lock)', async () => {
      assert.ok(id, 'needs the code from the first test')
      await seam.accessCodes.delete({ access_code_id: id })
      await waitGone(id, { okStatuses: ['unset'], timeout: 10_000 })
      const events = await waitForEvents(id, ['access_code.deleted'], { raw: true })
      const types = typesOf(events)
      assert.ok(!types.includes('access_code.set_on_device'), `never programmed, yet: ${types}`)
      assert.ok(!types.includes('access_code.removed_from_device'), `removed_from_device fires only for programmed codes: ${types}`)
    })
  })

  // -------------------------------------------------------------------------
  describe(`2. just-in-time lock (${JIT_LOCK}), start in 20 s, end in 30 s`, { concurrency: false }, () => {
    let device
    let id
    let startsAt
    let endsAt
    const pin = randomPin(6)

    before(async () => {
      device = await lock(JIT_LOCK)
    })

    test('create (raw POST) answers unset, then it is programmed at once (set, SDK get)', async () => {
      startsAt = inMs(20 * SECOND)
      endsAt = inMs(30 * SECOND)
      const body = expectOk(
        await api('/access_codes/create', {
          json: { device_id: device.device_id, name: uniqueName('jitsoon'), code: pin, starts_at: startsAt, ends_at: endsAt },
        }),
      )
      const ac = body.access_code
      id = cleanup.add(ac.access_code_id)
      // starts_at - 60 min is already past, so programming may start at once:
      // unset (not picked up yet) or already setting, never set before the lock said so
      assert.ok(['unset', 'setting'].includes(ac.status), `status at creation: ${ac.status}`)
      assertWindow(ac, startsAt, endsAt, 'create')
      assert.ok(
        !(ac.pending_mutations ?? []).some((m) => m.mutation_code === 'deferring_creation' && Date.parse(m.scheduled_at) > Date.now() + 5000),
        `programming is due now, not deferred: ${JSON.stringify(ac.pending_mutations)}`,
      )

      // programmed right away, before starts_at
      const set = await poll(
        async () => {
          const got = await sdkGet(id)
          assert.ok(got, `${id} disappeared while being programmed`)
          assert.ok(['unset', 'setting', 'set'].includes(got.status), `unexpected status while programming: ${got.status}`)
          return got.status === 'set' ? got : false
        },
        { timeout: Date.parse(startsAt) - Date.now() - 2000, what: `${id} set before its starts_at` },
      )
      assertWindow(set, startsAt, endsAt, 'get when set')
      assert.equal(set.code, pin)
      assert.equal(set.is_scheduled_on_device ?? false, false, 'just-in-time: not scheduled on the device')
      assert.ok(
        !(set.pending_mutations ?? []).some((m) => m.mutation_code === 'deferring_creation'),
        `a programmed code has no deferring_creation: ${JSON.stringify(set.pending_mutations)}`,
      )
    })

    test('events (SDK): created, then set_on_device with the PIN', async () => {
      assert.ok(id, 'needs the code from the previous test')
      const events = await waitForEvents(id, ['access_code.created', 'access_code.set_on_device'])
      assertEventOrder(events, ['access_code.created', 'access_code.set_on_device'])
      assert.equal(events.find((e) => e.event_type === 'access_code.set_on_device').code, pin)
      assert.ok(!typesOf(events).includes('access_code.scheduled_on_device'), 'just-in-time codes are not scheduled on the device')
    })

    test('at ends_at it is removed (raw GET until 404), then removed_from_device and deleted', async () => {
      assert.ok(id, 'needs the code from the first test')
      const removedAt = await waitGone(id, { timeout: Date.parse(endsAt) - Date.now() + 25_000 })
      assert.ok(
        removedAt >= Date.parse(endsAt) - CLOCK_SLACK,
        `removal started at ${iso(removedAt)}, before ends_at ${endsAt}`,
      )
      const events = await waitForEvents(id, ['access_code.removed_from_device', 'access_code.deleted'], { raw: true })
      assertEventOrder(events, [
        'access_code.created',
        'access_code.set_on_device',
        'access_code.removed_from_device',
        'access_code.deleted',
      ])
      const codes = await listCodes(device.device_id)
      assert.ok(!codes.some((c) => c.access_code_id === id), 'an expired code is not listed any more')
    })
  })

  // -------------------------------------------------------------------------
  describe(`3. native lock (${NATIVE_LOCK}), start in 15 s, end in 25 s`, { concurrency: false }, () => {
    let device
    let id
    let startsAt
    let endsAt
    const pin = randomPin(6)

    before(async () => {
      device = await lock(NATIVE_LOCK)
    })

    test('create (SDK) answers unset', async () => {
      startsAt = inMs(15 * SECOND)
      endsAt = inMs(25 * SECOND)
      const ac = await seam.accessCodes.create({
        device_id: device.device_id,
        name: uniqueName('native'),
        code: pin,
        starts_at: startsAt,
        ends_at: endsAt,
      })
      id = cleanup.add(ac.access_code_id)
      validateAccessCode(ac)
      assert.equal(ac.status, 'unset', 'a time-bound code is unset at creation')
      assertWindow(ac, startsAt, endsAt, 'create')
      assert.equal(ac.code, pin)
    })

    test('it is preloaded (raw GET): is_scheduled_on_device, still unset, event scheduled_on_device', async () => {
      assert.ok(id, 'needs the code from the previous test')
      const scheduled = await poll(
        async () => {
          const { ac } = await rawGet(id)
          assert.ok(ac, `${id} disappeared before its window`)
          if (Date.now() < Date.parse(startsAt) - CLOCK_SLACK) {
            assert.equal(ac.status, 'unset', `before starts_at a natively scheduled code stays unset (is_scheduled_on_device ${ac.is_scheduled_on_device})`)
          }
          return ac.is_scheduled_on_device === true ? ac : false
        },
        { timeout: Date.parse(startsAt) - Date.now() - 2000, what: `${id} to be scheduled on the device before starts_at` },
      )
      assert.equal(scheduled.status, 'unset', 'preloaded, but not active before starts_at')
      const events = await waitForEvents(id, ['access_code.created', 'access_code.scheduled_on_device'])
      assert.ok(!typesOf(events).includes('access_code.set_on_device'), `set_on_device before starts_at: ${typesOf(events)}`)
      assertEventOrder(events, ['access_code.created', 'access_code.scheduled_on_device'])
    })

    test('at starts_at it becomes set (raw GET), event set_on_device', async () => {
      assert.ok(id, 'needs the code from the first test')
      let setSeen
      await poll(
        async () => {
          const { ac } = await rawGet(id)
          assert.ok(ac, `${id} disappeared before ends_at`)
          assert.ok(['unset', 'set'].includes(ac.status), `unexpected status around starts_at: ${ac.status}`)
          if (ac.status === 'set') setSeen = Date.now()
          return ac.status === 'set'
        },
        { timeout: Date.parse(startsAt) - Date.now() + 8000, what: `${id} to become set at starts_at ${startsAt}` },
      )
      assert.ok(setSeen >= Date.parse(startsAt) - CLOCK_SLACK, `set at ${iso(setSeen)}, before starts_at ${startsAt}`)
      const events = await waitForEvents(id, ['access_code.set_on_device'])
      assertEventOrder(events, ['access_code.created', 'access_code.scheduled_on_device', 'access_code.set_on_device'])
      const setEvent = events.find((e) => e.event_type === 'access_code.set_on_device')
      assert.equal(setEvent.code, pin)
      assert.ok(Date.parse(setEvent.occurred_at) >= Date.parse(startsAt) - CLOCK_SLACK, `set_on_device occurred_at ${setEvent.occurred_at} < starts_at ${startsAt}`)
    })

    test('at ends_at it is removed (SDK get until 404), removed_from_device then deleted', async () => {
      assert.ok(id, 'needs the code from the first test')
      const removedAt = await waitGone(id, { getter: 'sdk', timeout: Date.parse(endsAt) - Date.now() + 25_000 })
      assert.ok(removedAt >= Date.parse(endsAt) - CLOCK_SLACK, `removal started at ${iso(removedAt)}, before ends_at ${endsAt}`)
      const events = await waitForEvents(id, ['access_code.removed_from_device', 'access_code.deleted'])
      assertEventOrder(events, [
        'access_code.created',
        'access_code.scheduled_on_device',
        'access_code.set_on_device',
        'access_code.removed_from_device',
        'access_code.deleted',
      ])
      const codes = await seam.accessCodes.list({ device_id: device.device_id })
      assert.ok(!codes.some((c) => c.access_code_id === id), 'an expired code is not listed any more')
    })
  })

  // -------------------------------------------------------------------------
  describe(`4. prefer_native_scheduling: false on a native lock (${NATIVE_LOCK_2}), start in 30 h`, { concurrency: false }, () => {
    let device
    let id
    let startsAt
    let endsAt

    before(async () => {
      device = await lock(NATIVE_LOCK_2)
    })

    test('create (raw POST) answers unset, not scheduled on the device, deferring_creation', async () => {
      // 30 h is inside the 72 h preload window: a native schedule would preload now
      startsAt = inMs(30 * HOUR)
      endsAt = inMs(31 * HOUR)
      const body = expectOk(
        await api('/access_codes/create', {
          json: {
            device_id: device.device_id,
            name: uniqueName('nonative'),
            code: randomPin(6),
            starts_at: startsAt,
            ends_at: endsAt,
            prefer_native_scheduling: false,
          },
        }),
      )
      const ac = body.access_code
      id = cleanup.add(ac.access_code_id)
      assert.equal(ac.status, 'unset')
      assert.equal(ac.is_scheduled_on_device ?? false, false)
      assertWindow(ac, startsAt, endsAt, 'create')
      assertDeferred(ac, startsAt, 'create with prefer_native_scheduling false')
    })

    test('2 s later (SDK) it is still unset, not preloaded, no scheduled_on_device event', async () => {
      assert.ok(id, 'needs the code from the previous test')
      await sleep(2000)
      const ac = await sdkGet(id)
      assert.ok(ac, `${id} disappeared`)
      assert.equal(ac.status, 'unset')
      assert.equal(ac.is_scheduled_on_device ?? false, false, 'prefer_native_scheduling: false must not preload the code')
      assertDeferred(ac, startsAt, 'get')
      const events = await sdkEvents(id)
      assert.deepEqual(typesOf(events), ['access_code.created'], 'events of a deferred code')
    })

    test('delete (SDK): gone', async () => {
      assert.ok(id, 'needs the code from the first test')
      await seam.accessCodes.delete({ access_code_id: id })
      await waitGone(id, { getter: 'sdk', okStatuses: ['unset'], timeout: 10_000 })
      const events = await waitForEvents(id, ['access_code.deleted'])
      assert.ok(!typesOf(events).includes('access_code.removed_from_device'), `never programmed, yet: ${typesOf(events)}`)
    })
  })

  // -------------------------------------------------------------------------
  describe('5. invalid windows are refused with 400 and create nothing', { concurrency: false }, () => {
    let native
    let kwikset
    const refusedNames = new Set()
    const refusedName = () => {
      const n = uniqueName('tbbad')
      refusedNames.add(n)
      return n
    }

    before(async () => {
      ;[native, kwikset] = await Promise.all([lock(NATIVE_LOCK_2), lock(KWIKSET)])
    })

    async function refused(device, window, context) {
      const res = await api('/access_codes/create', {
        json: { device_id: device.device_id, name: refusedName(), code: randomPin(6), ...window },
      })
      expectError(res, { status: 400 }, `${context} (${JSON.stringify(window)})`)
    }

    test('ends_at before starts_at (raw and SDK)', async () => {
      await refused(native, { starts_at: inMs(3 * HOUR), ends_at: inMs(2 * HOUR) }, 'ends_at before starts_at')
      await refused(native, { starts_at: inMs(2 * HOUR), ends_at: inMs(2 * HOUR) }, 'ends_at equal to starts_at')
      await expectSdkError(
        seam.accessCodes.create({
          device_id: native.device_id,
          name: refusedName(),
          code: randomPin(6),
          starts_at: inMs(3 * HOUR),
          ends_at: inMs(2 * HOUR),
        }),
        { statusCode: 400 },
      )
    })

    test('ends_at in the past', async () => {
      await refused(native, { starts_at: inMs(-2 * HOUR), ends_at: inMs(-1 * HOUR) }, 'window entirely in the past')
      await refused(native, { ends_at: inMs(-1 * HOUR) }, 'ends_at alone, in the past')
    })

    test('starts_at that is not an ISO 8601 timestamp', async () => {
      const endsAt = inMs(5 * HOUR)
      for (const starts_at of ['not a date', 'next tuesday', '2030-13-45T99:99:99Z', Date.now() + HOUR]) {
        await refused(native, { starts_at, ends_at: endsAt }, `starts_at ${JSON.stringify(starts_at)}`)
      }
    })

    test('kwikset: ends_at without starts_at, and a starts_at in the past', async () => {
      await refused(kwikset, { ends_at: inMs(3 * HOUR) }, 'kwikset ends_at only')
      await refused(kwikset, { starts_at: inMs(-10 * MINUTE), ends_at: inMs(3 * HOUR) }, 'kwikset past starts_at')
    })

    test('none of the refused requests left a code (raw list and SDK list)', async () => {
      for (const d of [native, kwikset]) {
        const raw = await listCodes(d.device_id)
        const viaSdk = await seam.accessCodes.list({ device_id: d.device_id })
        for (const codes of [raw, viaSdk]) {
          const leaked = codes.filter((c) => refusedNames.has(c.name))
          assert.deepEqual(leaked, [], `refused creates left codes on ${d.device_type}`)
        }
      }
    })
  })

  // -------------------------------------------------------------------------
  describe(`6. update the window of a code (${JIT_LOCK})`, { concurrency: false }, () => {
    let device
    let id
    let startsAt
    let endsAt
    const pin = randomPin(6)

    before(async () => {
      device = await lock(JIT_LOCK)
    })

    test('an ongoing code (SDK create) becomes set', async () => {
      const ac = await seam.accessCodes.create({ device_id: device.device_id, name: uniqueName('tbupd'), code: pin })
      id = cleanup.add(ac.access_code_id)
      assert.equal(ac.type, 'ongoing')
      await poll(
        async () => {
          const { ac: got } = await rawGet(id)
          assert.ok(got, `${id} disappeared`)
          return got.status === 'set'
        },
        { timeout: 15_000, what: `${id} to be set` },
      )
    })

    test('update (raw PATCH) to a window starting in 2 h: time_bound, unset, access_code.changed', async () => {
      assert.ok(id, 'needs the code from the previous test')
      startsAt = inMs(2 * HOUR)
      endsAt = inMs(4 * HOUR)
      const body = expectOk(
        await api('/access_codes/update', { method: 'PATCH', json: { access_code_id: id, starts_at: startsAt, ends_at: endsAt } }),
      )
      assert.equal(body.action_attempt.action_type, 'UPDATE_ACCESS_CODE')
      const ac = await poll(
        async () => {
          const got = await sdkGet(id)
          assert.ok(got, `${id} disappeared after the window update`)
          assert.ok(['set', 'removing', 'unset'].includes(got.status), `unexpected status after the window update: ${got.status}`)
          return got.status === 'unset' ? got : false
        },
        { timeout: 10_000, what: `${id} to become unset (taken off the lock until 60 min before its new start)` },
      )
      assertWindow(ac, startsAt, endsAt, 'get after update')
      assert.equal(ac.code, pin, 'the window update keeps the PIN')
      assert.equal(ac.is_scheduled_on_device ?? false, false)
      assertDeferred(ac, startsAt, 'get after update')
      await waitForEvents(id, ['access_code.changed'], { raw: true })
    })

    test("update (SDK) type: 'ongoing' clears the window; it is programmed again (setting, then set)", async () => {
      assert.ok(id, 'needs the code from the first test')
      const res = await seam.accessCodes.update({ access_code_id: id, type: 'ongoing' })
      assert.equal(res, undefined)
      const first = await sdkGet(id)
      assert.ok(first, `${id} disappeared`)
      assert.equal(first.type, 'ongoing')
      assert.equal(first.starts_at ?? null, null, 'type ongoing clears starts_at')
      assert.equal(first.ends_at ?? null, null, 'type ongoing clears ends_at')
      assert.ok(['setting', 'set'].includes(first.status), `status right after update to ongoing (an ongoing code starts at once): ${first.status}`)
      const ac = await poll(
        async () => {
          const { ac: got } = await rawGet(id)
          assert.ok(got, `${id} disappeared`)
          assert.ok(['unset', 'setting', 'set'].includes(got.status), `unexpected status after update to ongoing: ${got.status}`)
          return got.status === 'set' ? got : false
        },
        { timeout: 15_000, what: `${id} to be set again after type: ongoing` },
      )
      assert.equal(ac.type, 'ongoing')
      assert.equal(ac.starts_at ?? null, null)
      assert.equal(ac.ends_at ?? null, null)
      assert.equal(ac.code, pin)
      assert.ok(
        !(ac.pending_mutations ?? []).some((m) => m.mutation_code === 'deferring_creation'),
        `an ongoing set code has no deferring_creation: ${JSON.stringify(ac.pending_mutations)}`,
      )
      const events = await eventsForCode(id)
      assert.ok(typesOf(events).filter((t) => t === 'access_code.changed').length >= 2, `one access_code.changed per update: ${typesOf(events)}`)
    })
  })
})
