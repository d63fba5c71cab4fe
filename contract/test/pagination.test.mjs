// 10. Cursor pagination of the list endpoints: the official SDK's paginator
// (seam.createPaginator) walks every page and gets each item exactly once;
// raw HTTP checks the cursor's validation. Devices: the workspace's locks as
// seeded; access codes: salto_lock (no other test file uses it), 5 generated
// codes created and deleted here.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { validateAccessCode, validateDevice } from './openapi.mjs'
import {
  api,
  cleanupRegistry,
  expectError,
  expectOk,
  lockOfType,
  requireServer,
  sdk,
  sdkStats,
  uniqueName,
} from './support.mjs'

requireServer()

const seam = sdk()
const cleanup = cleanupRegistry()
after(() => cleanup.run())

function assertExactlyOnce(walked, all, idOf, what) {
  const ids = walked.map(idOf)
  assert.equal(new Set(ids).size, ids.length, `${what}: an item came twice across pages`)
  assert.deepEqual(ids, all.map(idOf), `${what}: the pages together are the whole list, in its order`)
}

describe('cursor pagination', () => {
  test('SDK paginator walks devices.list in pages of 3 and gets every device exactly once', async () => {
    const all = await seam.devices.list()
    assert.ok(all.length > 3, `needs more than 3 devices, the workspace has ${all.length}`)
    const before = sdkStats.validated
    const pages = []
    for await (const page of seam.createPaginator(seam.devices.list({ limit: 3 }))) pages.push(page)
    assert.equal(pages.length, Math.ceil(all.length / 3), 'number of pages')
    for (const page of pages.slice(0, -1)) assert.equal(page.length, 3, 'a full page before the last')
    const walked = pages.flat()
    walked.forEach(validateDevice)
    assertExactlyOnce(walked, all, (d) => d.device_id, 'devices.list')
    assert.ok(sdkStats.validated - before >= pages.length, 'every page was validated against the OpenAPI document')

    const flat = await seam.createPaginator(seam.devices.list({ limit: 3 })).flattenToArray()
    assertExactlyOnce(flat, all, (d) => d.device_id, 'devices.list flattenToArray')
  })

  test('the last page says there is no next page; the others hand a cursor', async () => {
    const [first, pagination] = await seam.createPaginator(seam.devices.list({ limit: 1 })).firstPage()
    assert.equal(first.length, 1)
    assert.equal(pagination.hasNextPage, true)
    assert.equal(typeof pagination.nextPageCursor, 'string')
    const everything = expectOk(await api('/devices/list', { method: 'GET', query: { limit: 10000 } }))
    assert.equal(everything.pagination.has_next_page, false)
    assert.equal(everything.pagination.next_page_cursor, null)
  })

  describe('access codes on salto_lock', () => {
    let lock
    const created = []

    before(async () => {
      lock = await lockOfType('salto_lock')
      for (let i = 0; i < 5; i++) {
        // salto_lock generates its PINs (cannot_specify_pin_code)
        const c = await seam.accessCodes.create({ device_id: lock.device_id, name: uniqueName('page') })
        created.push(cleanup.add(c.access_code_id))
      }
    })

    test('SDK paginator walks accessCodes.list in pages of 2 and gets every code exactly once', async () => {
      const all = await seam.accessCodes.list({ device_id: lock.device_id })
      for (const id of created) assert.ok(all.some((c) => c.access_code_id === id), `created code ${id} is listed`)
      const walked = await seam.createPaginator(seam.accessCodes.list({ device_id: lock.device_id, limit: 2 })).flattenToArray()
      walked.forEach(validateAccessCode)
      assertExactlyOnce(walked, all, (c) => c.access_code_id, 'accessCodes.list')
    })

    test('raw GET and POST pages follow next_page_cursor to the end', async () => {
      for (const method of ['GET', 'POST']) {
        const ids = []
        let cursor = null
        let pages = 0
        do {
          const params = { device_id: lock.device_id, limit: 2, ...(cursor == null ? {} : { page_cursor: cursor }) }
          const body = expectOk(
            await api('/access_codes/list', method === 'GET' ? { method, query: params } : { method, json: params }),
          )
          ids.push(...body.access_codes.map((c) => c.access_code_id))
          cursor = body.pagination.next_page_cursor
          assert.equal(body.pagination.has_next_page, cursor != null)
          pages++
        } while (cursor != null && pages < 100)
        const all = (await seam.accessCodes.list({ device_id: lock.device_id })).map((c) => c.access_code_id)
        assert.deepEqual(ids, all, `${method}: pages together`)
      }
    })

    test('page_cursor: null is the first page', async () => {
      const body = expectOk(
        await api('/access_codes/list', { json: { device_id: lock.device_id, limit: 2, page_cursor: null } }),
      )
      assert.equal(body.access_codes.length, 2)
      assert.equal(body.pagination.has_next_page, true)
    })

    test('a malformed, foreign or other-filters cursor is a 400 invalid_input', async () => {
      const first = expectOk(await api('/access_codes/list', { json: { device_id: lock.device_id, limit: 2 } }))
      const cursor = first.pagination.next_page_cursor
      assert.equal(typeof cursor, 'string')
      const refused = [
        ['not base64 JSON', { device_id: lock.device_id, page_cursor: 'not a cursor!' }],
        ['base64 of something else', { device_id: lock.device_id, page_cursor: Buffer.from('{"x":1}').toString('base64url') }],
        ['other filters', { device_id: lock.device_id, search: 'page', page_cursor: cursor }],
        ['other ids', { access_code_ids: created, page_cursor: cursor }],
      ]
      for (const [what, json] of refused) {
        const error = expectError(await api('/access_codes/list', { json }), { status: 400, type: 'invalid_input' }, what)
        assert.doesNotMatch(error.message, /Exception|java\./, what)
      }
      // a cursor of one list is no cursor of another
      expectError(await api('/devices/list', { json: { page_cursor: cursor } }), { status: 400, type: 'invalid_input' }, 'devices/list')
      // nor of another workspace's
      const devices = expectOk(await api('/devices/list', { json: { limit: 1 } }))
      expectError(
        await api('/devices/list', { json: { page_cursor: devices.pagination.next_page_cursor }, apiKey: requireServer().secondApiKey }),
        { status: 400, type: 'invalid_input' },
        'second workspace',
      )
    })
  })
})
