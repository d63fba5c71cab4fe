// 3. Generated PINs: create without `code` (SDK). Uses kwikset, nuki and tedee
// locks (4-8 digits; 6 digits without 0; 5-8 digits with 3 distinct digits).
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'

import { validateAccessCode } from './openapi.mjs'
import {
  cleanupRegistry,
  lockOfType,
  poll,
  requireServer,
  sdk,
  uniqueName,
} from './support.mjs'

requireServer()

const seam = sdk()
const cleanup = cleanupRegistry()
after(() => cleanup.run())

/** Checks a PIN against a device's supported_code_lengths and code_constraints. */
function assertFitsDevice(code, device, context) {
  const where = `${context}: PIN ${JSON.stringify(code)} on ${device.device_type}`
  assert.equal(typeof code, 'string', `${where}: code must be a string`)
  assert.match(code, /^\d+$/, `${where}: digits only`)
  const props = device.properties ?? {}
  const lengths = props.supported_code_lengths
  if (Array.isArray(lengths) && lengths.length > 0) {
    assert.ok(lengths.includes(code.length), `${where}: length ${code.length} not in supported_code_lengths ${lengths}`)
  } else {
    assert.ok(code.length >= 4 && code.length <= 12, `${where}: length`)
  }
  const digits = [...code].map(Number)
  const isRun = (a, b, c) => (b - a === 1 && c - b === 1) || (a - b === 1 && b - c === 1)
  for (const { constraint_type: type } of props.code_constraints ?? []) {
    switch (type) {
      case 'no_zeros':
        assert.ok(!code.includes('0'), `${where}: violates no_zeros`)
        break
      case 'cannot_start_with_12':
        assert.ok(!code.startsWith('12'), `${where}: violates cannot_start_with_12`)
        break
      case 'no_triple_consecutive_ints':
        for (let i = 2; i < digits.length; i++) {
          assert.ok(!isRun(digits[i - 2], digits[i - 1], digits[i]), `${where}: violates no_triple_consecutive_ints`)
        }
        break
      case 'at_least_three_unique_digits':
        assert.ok(new Set(code).size >= 3, `${where}: violates at_least_three_unique_digits`)
        break
      case 'no_all_same_digits':
        assert.ok(new Set(code).size > 1, `${where}: violates no_all_same_digits`)
        break
      case 'cannot_contain_089':
        assert.ok(!/[089]/.test(code), `${where}: violates cannot_contain_089`)
        break
      case 'cannot_contain_0789':
        assert.ok(!/[0789]/.test(code), `${where}: violates cannot_contain_0789`)
        break
      case 'no_ascending_or_descending_sequence': {
        const steps = digits.slice(1).map((d, i) => d - digits[i])
        assert.ok(
          !(steps.every((s) => s === 1) || steps.every((s) => s === -1)),
          `${where}: violates no_ascending_or_descending_sequence`,
        )
        break
      }
      default:
        break // name rules, scheduling rules, uniqueness: not about a lone PIN
    }
  }
}

async function createGenerated(device, extra = {}) {
  const ac = await seam.accessCodes.create({ device_id: device.device_id, name: uniqueName('gen'), ...extra })
  cleanup.add(ac.access_code_id)
  validateAccessCode(ac)
  assert.equal(ac.device_id, device.device_id)
  if (typeof ac.code === 'string') return ac
  // a PIN may be assigned shortly after creation
  return poll(
    async () => {
      const got = await seam.accessCodes.get({ access_code_id: ac.access_code_id })
      return typeof got.code === 'string' ? got : false
    },
    { what: `a generated PIN for ${ac.access_code_id}` },
  )
}

for (const type of ['kwikset_lock', 'nuki_lock', 'tedee_lock']) {
  describe(`generated PIN on ${type}`, () => {
    test('create without code: digits that fit the device', async () => {
      const device = await lockOfType(type)
      const lengths = device.properties?.supported_code_lengths
      assert.ok(Array.isArray(lengths) && lengths.length > 0, `${type} must report properties.supported_code_lengths`)
      const ac = await createGenerated(device)
      assertFitsDevice(ac.code, device, 'create without code')
    })

    test('preferred_code_length is honoured when supported', async () => {
      const device = await lockOfType(type)
      const lengths = [...device.properties.supported_code_lengths].sort((a, b) => a - b)
      // prefer a length that is not the shortest, so a default cannot pass by luck
      const preferred = lengths.length > 1 ? lengths[lengths.length - 2] : lengths[0]
      const ac = await createGenerated(device, { preferred_code_length: preferred })
      assertFitsDevice(ac.code, device, `preferred_code_length ${preferred}`)
      assert.equal(ac.code.length, preferred, `preferred_code_length ${preferred} ignored: got ${ac.code}`)
    })
  })
}

describe('generated PIN edge cases (kwikset_lock)', () => {
  test('an unsupported preferred_code_length is refused (4xx) or replaced by a supported length', async () => {
    const device = await lockOfType('kwikset_lock')
    try {
      const ac = await createGenerated(device, { preferred_code_length: 11 })
      assertFitsDevice(ac.code, device, 'preferred_code_length 11')
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err
      assert.ok(err.statusCode >= 400 && err.statusCode < 500, `expected 4xx, got ${err.statusCode} ${err.message}`)
    }
  })

  test('generate_code suggests a PIN that fits the device', async () => {
    const device = await lockOfType('kwikset_lock')
    const generated = await seam.accessCodes.generateCode({ device_id: device.device_id })
    assert.equal(generated.device_id, device.device_id)
    assertFitsDevice(generated.code, device, 'generate_code')
  })
})
