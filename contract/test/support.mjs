// Shared helpers for the contract tests that talk to a running Keyrack server.
//
// Every server test file starts with requireServer(), which throws when
// KEYRACK_ENDPOINT (or one of the keys) is not set, so the file fails with an
// explanation instead of silently skipping.

import assert from 'node:assert/strict'
import { randomBytes, randomInt, randomUUID } from 'node:crypto'

import { Seam, SeamHttpApiError } from 'seam'

import { validateErrorEnvelope, validateResponse, getOperation } from './openapi.mjs'

const HOW_TO_RUN = [
  'Start the local stack first:',
  '    java -jar local/target/keyrack-local.jar',
  'then export KEYRACK_ENDPOINT (e.g. http://127.0.0.1:3000), KEYRACK_API_KEY (workspace 1)',
  'and KEYRACK_SECOND_API_KEY (workspace 2) and run `npm test` in contract/,',
  'or run the whole build with `mvn verify`, which starts the stack and sets them.',
].join('\n')

const REQUIRED_ENV = ['KEYRACK_ENDPOINT', 'KEYRACK_API_KEY', 'KEYRACK_SECOND_API_KEY']
const missingEnv = REQUIRED_ENV.filter((k) => !process.env[k])

/**
 * Server configuration from the environment; null when something is missing.
 * Server test files call requireServer() first, which fails with instructions.
 * (This module must load without throwing: `node --test test/` also runs
 * every .mjs file under test/ as a test file, helpers included.)
 */
export const cfg =
  missingEnv.length > 0
    ? null
    : {
        endpoint: process.env.KEYRACK_ENDPOINT.replace(/\/+$/, ''),
        apiKey: process.env.KEYRACK_API_KEY,
        secondApiKey: process.env.KEYRACK_SECOND_API_KEY,
      }

/** Throws a clear error unless KEYRACK_ENDPOINT and both API keys are set. */
export function requireServer() {
  if (cfg == null) {
    throw new Error(
      `Keyrack contract tests need a running server, but ${missingEnv.join(', ')} ${missingEnv.length === 1 ? 'is' : 'are'} not set.\n${HOW_TO_RUN}`,
    )
  }
  assert.match(cfg.endpoint, /^https?:\/\//, `KEYRACK_ENDPOINT must be an http(s) URL, got ${cfg.endpoint}`)
  return cfg
}

/** Moment this test file started, minus a margin for clock skew (for events `since`). */
export const SINCE = new Date(Date.now() - 5 * 60_000).toISOString()

// ---------------------------------------------------------------------------
// Official SDK, with every response validated against the OpenAPI document

export const sdkStats = { validated: 0 }

/**
 * `new Seam({ apiKey, endpoint })` from the `seam` package, with an axios
 * interceptor that validates every response body the SDK receives: 2xx bodies
 * against the OpenAPI 200 schema of the path + method the SDK used, error
 * bodies against the error envelope. Retries are off so 5xx are not hidden.
 */
export function sdk(apiKey = requireServer().apiKey) {
  const seam = new Seam({
    apiKey,
    endpoint: cfg.endpoint,
    waitForActionAttempt: false,
    axiosRetryOptions: { retries: 0 },
  })
  seam.client.interceptors.response.use(
    (res) => {
      const path = new URL(res.config.url, cfg.endpoint).pathname
      validateResponse(path, res.config.method, res.status, res.data)
      sdkStats.validated++
      return res
    },
    (err) => {
      // the SDK's own interceptor ran first and wrapped the axios error
      const response = err?.response ?? err?.cause?.response
      if (response != null) {
        const path = new URL(response.config?.url ?? '/', cfg.endpoint).pathname
        const method = String(response.config?.method ?? '').toUpperCase()
        validateErrorEnvelope(response.data, `SDK ${method} ${path} -> ${response.status}`)
        assert.ok(
          response.status >= 400 && response.status < 500,
          `SDK ${method} ${path} -> ${response.status}: expected a 4xx, body ${JSON.stringify(response.data)}`,
        )
        sdkStats.validated++
      } else if (err?.code === 'ECONNREFUSED' || err?.cause?.code === 'ECONNREFUSED') {
        throw new Error(`Cannot reach Keyrack at ${cfg.endpoint}.\n${HOW_TO_RUN}`, { cause: err })
      }
      throw err
    },
  )
  return seam
}

/**
 * Awaits an SDK call that must fail with SeamHttpApiError (the SDK's error for
 * an {ok:false, error:{type, message}} body); checks its `code` (= error.type)
 * and `statusCode`. Returns the error.
 */
export async function expectSdkError(promise, { code, statusCode } = {}) {
  let value
  try {
    value = await promise
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    assert.ok(
      err instanceof SeamHttpApiError,
      `expected the SDK to throw SeamHttpApiError, got ${err?.name}: ${err?.message}`,
    )
    if (code != null) assert.equal(err.code, code, `SDK error code (message: ${err.message})`)
    if (statusCode != null) assert.equal(err.statusCode, statusCode, `SDK error statusCode (code ${err.code}: ${err.message})`)
    return err
  }
  assert.fail(
    `expected the SDK call to fail with ${code ?? 'an API error'} ${statusCode ?? ''}, it returned ${JSON.stringify(value)?.slice(0, 1000)}`,
  )
}

// ---------------------------------------------------------------------------
// Raw HTTP

/**
 * Sends a request with fetch and returns {status, body, text, headers}.
 * Every response is validated: 2xx against the OpenAPI 200 schema (when the
 * operation exists in the document), anything else against the error envelope,
 * and no response may be a 5xx.
 *
 * options: method (default POST), json (object -> JSON body), rawBody (string
 * sent as-is), query (object -> query string), apiKey (default workspace 1;
 * null = no Authorization header), authorization (exact header value),
 * headers, contentType.
 */
export async function api(path, options = {}) {
  const {
    method = 'POST',
    json,
    rawBody,
    query,
    apiKey = requireServer().apiKey,
    authorization,
    headers = {},
    contentType = 'application/json',
    // Keyrack's own paths (e.g. /sandbox/...), which the Seam OpenAPI document does not describe
    keyrackOnly = false,
  } = options
  const url = new URL(path, `${cfg.endpoint}/`)
  // keep any base path of the endpoint
  url.pathname = `${new URL(cfg.endpoint).pathname.replace(/\/$/, '')}${path}`
  for (const [k, v] of Object.entries(query ?? {})) {
    if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, String(x)))
    else if (v !== undefined) url.searchParams.set(k, String(v))
  }
  const h = { accept: 'application/json', ...headers }
  if (authorization !== undefined) h.authorization = authorization
  else if (apiKey != null) h.authorization = `Bearer ${apiKey}`
  let body
  if (rawBody !== undefined) body = rawBody
  else if (json !== undefined) body = JSON.stringify(json)
  if (body !== undefined && contentType != null) h['content-type'] = contentType

  let res
  try {
    res = await fetch(url, { method, headers: h, body })
  } catch (err) {
    throw new Error(`Cannot reach Keyrack at ${cfg.endpoint} (${method} ${path}: ${err.cause?.code ?? err.message}).\n${HOW_TO_RUN}`, { cause: err })
  }
  const text = await res.text()
  let parsed
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  const out = { status: res.status, body: parsed, text, headers: res.headers, method, path }
  const where = `${method} ${path}${url.search} -> ${res.status}`
  assert.ok(res.status < 500, `${where}: server error (5xx is never acceptable here); body: ${text.slice(0, 2000)}`)
  assert.ok(parsed !== undefined, `${where}: body is not JSON: ${JSON.stringify(text.slice(0, 500))}`)
  assert.match(
    res.headers.get('content-type') ?? '',
    /^application\/json/,
    `${where}: content-type must be application/json (the SDK ignores error bodies otherwise)`,
  )
  if (res.status >= 200 && res.status < 300 && keyrackOnly) {
    assert.ok(!getOperation(path, method), `${where}: keyrackOnly used for a Seam operation`)
    assert.equal(parsed.ok, true, `${where}: a success body says ok: true`)
  } else if (res.status >= 200 && res.status < 300) {
    assert.ok(getOperation(path, method), `${where}: 2xx for an operation the OpenAPI document does not have; body ${text.slice(0, 500)}`)
    validateResponse(path, method, res.status, parsed)
  } else {
    validateErrorEnvelope(parsed, where)
  }
  return out
}

/** Asserts a 2xx (the body was already validated by api()). Returns the body. */
export function expectOk(res) {
  assert.ok(
    res.status >= 200 && res.status < 300,
    `${res.method} ${res.path}: expected 2xx, got ${res.status} ${res.text.slice(0, 1000)}`,
  )
  return res.body
}

/**
 * Asserts an error response: `status` may be a number or a predicate,
 * `type` an optional expected error.type. Returns the error object.
 */
export function expectError(res, { status = (s) => s >= 400 && s < 500, type } = {}, context = '') {
  const where = `${context ? `${context}: ` : ''}${res.method} ${res.path}`
  const okStatus = typeof status === 'function' ? status(res.status) : res.status === status
  assert.ok(okStatus, `${where}: unexpected status ${res.status} (wanted ${typeof status === 'function' ? '4xx' : status}); body ${res.text.slice(0, 1000)}`)
  validateErrorEnvelope(res.body, where)
  if (type != null) assert.equal(res.body.error.type, type, `${where}: error.type (message: ${res.body.error.message})`)
  return res.body.error
}

export const is4xx = (s) => s >= 400 && s < 500

// ---------------------------------------------------------------------------
// Utilities

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Calls fn every `interval` ms until it returns a truthy value (returned),
 * or fails after `timeout` ms with `what` and the last value/error.
 */
export async function poll(fn, { timeout = 20_000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  let lastErr
  while (true) {
    try {
      last = await fn()
      lastErr = undefined
      if (last) return last
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err
      lastErr = err
    }
    if (Date.now() > deadline) {
      const detail = lastErr ? `last error: ${lastErr.name}: ${lastErr.message}` : `last value: ${JSON.stringify(last)?.slice(0, 1500)}`
      assert.fail(`timed out after ${timeout} ms waiting for ${what}; ${detail}`)
    }
    await sleep(interval)
  }
}

/** A short, unique access code name (<= 14 chars: Kwikset shows 14). */
export function uniqueName(prefix = 'kr') {
  return `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 14)
}

/**
 * A random PIN of `length` digits that passes every brand rule in the contract:
 * no 0 (Nuki), does not start with 12 (Nuki), at least 3 distinct digits
 * (Tedee), no three equal / ascending / descending digits in a row.
 */
export function randomPin(length = 6) {
  while (true) {
    let s = ''
    for (let i = 0; i < length; i++) s += String(randomInt(1, 10))
    if (s.startsWith('12')) continue
    if (new Set(s).size < Math.min(3, length)) continue
    let bad = false
    for (let i = 2; i < s.length; i++) {
      const a = +s[i - 2]
      const b = +s[i - 1]
      const c = +s[i]
      if ((a === b && b === c) || (b - a === 1 && c - b === 1) || (a - b === 1 && b - c === 1)) bad = true
    }
    if (!bad) return s
  }
}

export const newUuid = () => randomUUID()

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Locks of the workspace by device_type (first one of each type), via raw GET /locks/list. */
export async function locksByType(apiKey = requireServer().apiKey) {
  const body = expectOk(await api('/locks/list', { method: 'GET', apiKey }))
  const byType = new Map()
  for (const d of body.locks) if (!byType.has(d.device_type)) byType.set(d.device_type, d)
  return byType
}

/** The first lock of a device type; fails clearly when the seed data lacks it. */
export async function lockOfType(type, apiKey = requireServer().apiKey) {
  const byType = await locksByType(apiKey)
  const d = byType.get(type)
  assert.ok(d, `no ${type} in the workspace's locks (seeded sandbox locks: ${[...byType.keys()].join(', ') || 'none'})`)
  return d
}

/** Access codes on a device (raw GET /access_codes/list). */
export async function listCodes(deviceId, apiKey = requireServer().apiKey) {
  return expectOk(await api('/access_codes/list', { method: 'GET', query: { device_id: deviceId }, apiKey })).access_codes
}

/**
 * Registers created access code ids and deletes them after the test file
 * (raw POST /access_codes/delete; 404 is fine, the test may have deleted it).
 */
export function cleanupRegistry() {
  const ids = new Set()
  return {
    add(id) {
      if (id) ids.add(id)
      return id
    },
    has(id) {
      return ids.has(id)
    },
    async run(apiKey = requireServer().apiKey) {
      for (const id of ids) {
        try {
          const res = await api('/access_codes/delete', { json: { access_code_id: id }, apiKey })
          if (res.status !== 200 && res.status !== 404) {
            console.error(`cleanup: deleting ${id} answered ${res.status} ${res.text.slice(0, 300)}`)
          }
        } catch (err) {
          console.error(`cleanup: deleting ${id} failed: ${err.message}`)
        }
      }
      ids.clear()
    },
  }
}

/** Event types recorded for an access code (raw GET /events/list). */
export async function eventsForCode(accessCodeId, apiKey = requireServer().apiKey) {
  const body = expectOk(
    await api('/events/list', { method: 'GET', query: { access_code_id: accessCodeId, since: SINCE }, apiKey }),
  )
  return body.events
}
