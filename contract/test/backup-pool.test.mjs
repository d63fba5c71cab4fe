// 9. Backup access code pools (CONTRACT.md "Backup access codes") and a lock
// that fails every set, through the SDK and raw HTTP, every body validated
// against the OpenAPI document. Runs in the second workspace, on its nuki_lock
// (pool ready, pull, pull again) and tedee_lock (automatic pull), which no
// other contract test touches there.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { validateAccessCode, validateDevice } from './openapi.mjs'
import { api, cleanupRegistry, eventsForCode, expectError, expectOk, lockOfType, poll, requireServer, sdk } from './support.mjs'

const { secondApiKey: KEY } = requireServer()
const seam = sdk(KEY)
const cleanup = cleanupRegistry()
after(() => cleanup.run(KEY))

const HOUR = 3_600_000
const inMs = (ms) => new Date(Date.now() + ms).toISOString()

async function create(deviceId, extra) {
  const body = expectOk(
    await api('/access_codes/create', {
      apiKey: KEY,
      json: { device_id: deviceId, name: 'Pool guest', starts_at: inMs(80 * HOUR), ends_at: inMs(100 * HOUR), ...extra },
    }),
  )
  return cleanup.add(body.access_code.access_code_id)
}

async function available(id) {
  const got = await seam.accessCodes.get({ access_code_id: id })
  validateAccessCode(got)
  return got.is_backup_access_code_available === true
}

describe('backup access code pools', { concurrency: true }, () => {
  describe('pool ready, pull, pull again', { concurrency: false }, () => {
    let lock
    let id
    let backupId
    before(async () => {
      lock = await lockOfType('nuki_lock', KEY)
    })

    test('a create with use_backup_access_code_pool: true shows the pool as available once it is ready', async () => {
      assert.equal(lock.properties.supports_backup_access_code_pool, true)
      id = await create(lock.device_id, { use_backup_access_code_pool: true })
      await poll(() => available(id), { timeout: 30_000, what: 'is_backup_access_code_available' })
      const listed = expectOk(await api('/access_codes/list', { method: 'GET', apiKey: KEY, query: { device_id: lock.device_id } }))
      assert.deepEqual(
        listed.access_codes.map((c) => c.access_code_id),
        [id],
        'ready backup codes are hidden from list',
      )
    })

    test('pull_backup_access_code links a backup (SDK), and pulling again returns the same one (raw)', async () => {
      assert.ok(id, 'needs the code of the previous test')
      const backup = await seam.accessCodes.pullBackupAccessCode({ access_code_id: id })
      validateAccessCode(backup)
      assert.equal(backup.is_backup, true)
      backupId = backup.access_code_id
      const original = await seam.accessCodes.get({ access_code_id: id })
      assert.equal(original.pulled_backup_access_code_id, backupId)
      assert.equal(Date.parse(backup.ends_at), Date.parse(original.ends_at), 'the backup ends when the original ends')

      const again = expectOk(await api('/access_codes/pull_backup_access_code', { apiKey: KEY, json: { access_code_id: id } }))
      assert.equal(again.backup_access_code.access_code_id, backupId)
      assert.equal(again.backup_access_code.code, backup.code)
      const pulled = (await eventsForCode(id, KEY)).filter((e) => e.event_type === 'access_code.backup_access_code_pulled')
      assert.equal(pulled.length, 1, 'one pull, one event')
      cleanup.add(backupId)
    })

    test('pulling for an ongoing code or an unknown id is a 4xx error envelope', async () => {
      const ongoing = expectOk(await api('/access_codes/create', { apiKey: KEY, json: { device_id: lock.device_id, name: 'Resident' } }))
      cleanup.add(ongoing.access_code.access_code_id)
      expectError(await api('/access_codes/pull_backup_access_code', { apiKey: KEY, json: { access_code_id: ongoing.access_code.access_code_id } }))
      expectError(
        await api('/access_codes/pull_backup_access_code', { apiKey: KEY, json: { access_code_id: '6f1c2b5e-0000-4000-8000-000000000000' } }),
        { status: 404 },
      )
    })
  })

  describe('a lock that fails every set', { concurrency: false }, () => {
    let lock
    before(async () => {
      lock = await lockOfType('tedee_lock', KEY)
    })
    after(async () => {
      await api('/sandbox/locks/configure', { apiKey: KEY, json: { device_id: lock.device_id, fail_set_rate: 0 }, keyrackOnly: true })
    })

    test('a code starting soon ends with failed_to_set_on_device and a backup pulled automatically', async () => {
      const opener = await create(lock.device_id, { use_backup_access_code_pool: true })
      await poll(() => available(opener), { timeout: 30_000, what: 'pool ready' })
      // The whole pool on the lock before it fails every set (template.yaml's BackupPoolSize, 3; the
      // opener starts in 80 h, not on the lock yet): a backup still being set would fail too, and its
      // retries, ahead in the lock's queue, would hold the code's set back (one operation at a time per lock).
      await poll(
        async () => {
          const lockNow = expectOk(
            await api('/sandbox/locks/configure', { apiKey: KEY, json: { device_id: lock.device_id }, keyrackOnly: true }),
          )
          return lockNow.sandbox_lock.codes_on_lock >= 3
        },
        { timeout: 30_000, what: 'the whole pool on the lock' },
      )
      const configured = expectOk(
        await api('/sandbox/locks/configure', { apiKey: KEY, json: { device_id: lock.device_id, fail_set_rate: 1 }, keyrackOnly: true }),
      )
      assert.equal(configured.sandbox_lock.fail_set_rate, 1)

      const id = await create(lock.device_id, { starts_at: inMs(0.5 * HOUR), ends_at: inMs(3 * HOUR) })
      const failed = await poll(
        async () => {
          const c = await seam.accessCodes.get({ access_code_id: id })
          validateAccessCode(c)
          return c.errors.some((e) => e.error_code === 'failed_to_set_on_device') && c.pulled_backup_access_code_id ? c : false
        },
        { timeout: 60_000, what: 'failed_to_set_on_device and a pulled backup' },
      )
      const backup = await seam.accessCodes.get({ access_code_id: failed.pulled_backup_access_code_id })
      assert.equal(backup.is_backup, true)
      const types = (await eventsForCode(id, KEY)).map((e) => e.event_type)
      for (const t of ['access_code.failed_to_set_on_device', 'access_code.backup_access_code_pulled']) {
        assert.ok(types.includes(t), `${t} in ${types}`)
      }
      const device = await seam.devices.get({ device_id: lock.device_id })
      validateDevice(device)
    })
  })
})
