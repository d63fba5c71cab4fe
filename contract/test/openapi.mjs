// Validation of Keyrack responses against the Seam Connect OpenAPI document
// shipped in @seamapi/types (pinned in package.json).
//
// The document is OpenAPI 3.0, so its schemas are converted to JSON Schema
// (draft-07, as understood by ajv) before compiling:
//   - `nullable: true`             -> null is allowed as well
//   - boolean `exclusiveMinimum`   -> numeric form (`exclusiveMinimum: minimum`)
//   - `discriminator`              -> kept and handled by ajv's discriminator
//                                     option (every discriminator in the
//                                     document satisfies ajv's rules)
//   - `oneOf` whose variants cannot be proven mutually exclusive -> `anyOf`
//     (a body that matches two overlapping variants is still a valid body)
//   - `description`, `x-*` and other annotation keywords are dropped
//   - `$ref: '#/components/schemas/x'` resolves against the converted
//     components, registered in ajv under DOC_ID.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import Ajv from 'ajv'
import addFormats from 'ajv-formats'

const require = createRequire(import.meta.url)

/** The raw OpenAPI 3.0 document of the Seam Connect API. */
export const openapi = require('@seamapi/types/connect').openapi

const DOC_ID = 'https://keyrack.invalid/seam-connect-openapi.json'

const DROP_KEYS = new Set([
  'description',
  'deprecated',
  'example',
  'examples',
  'externalDocs',
  'xml',
  'readOnly',
  'writeOnly',
])

/**
 * Converts one OpenAPI 3.0 schema object (recursively) into JSON Schema.
 * `refBase` is prepended to local `#/...` references.
 */
export function toJsonSchema(schema, refBase = '') {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, refBase))
  if (schema === null || typeof schema !== 'object') return schema

  const out = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || DROP_KEYS.has(key) || key === 'nullable') {
      continue
    }
    switch (key) {
      case '$ref':
        out.$ref = value.startsWith('#') ? `${refBase}${value}` : value
        break
      case 'properties':
      case 'patternProperties':
        // keys here are property names, not keywords: never drop them
        out[key] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, refBase)]),
        )
        break
      case 'enum':
      case 'required':
      case 'const':
      case 'default':
        out[key] = structuredClone(value)
        break
      case 'discriminator':
        out.discriminator = { propertyName: value.propertyName }
        break
      default:
        out[key] = toJsonSchema(value, refBase)
    }
  }

  // boolean exclusiveMinimum / exclusiveMaximum (OpenAPI 3.0 / draft-04 style)
  for (const [excl, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ]) {
    if (typeof out[excl] === 'boolean') {
      if (out[excl] && typeof out[bound] === 'number') {
        out[excl] = out[bound]
        delete out[bound]
      } else {
        delete out[excl]
      }
    }
  }

  if (Array.isArray(out.oneOf) && out.discriminator == null) {
    if (!variantsAreDisjoint(out.oneOf)) {
      out.anyOf = out.oneOf
      delete out.oneOf
    }
  }

  if (out.discriminator != null && !Array.isArray(out.oneOf)) {
    delete out.discriminator
  }

  if (schema.nullable === true) return makeNullable(out)
  return out
}

function makeNullable(s) {
  const keys = Object.keys(s)
  if (keys.length === 0) return s // `{nullable: true}` alone: anything goes
  if (typeof s.type === 'string' || Array.isArray(s.type)) {
    const types = Array.isArray(s.type) ? s.type : [s.type]
    const r = { ...s, type: types.includes('null') ? types : [...types, 'null'] }
    if (Array.isArray(r.enum) && !r.enum.includes(null)) r.enum = [...r.enum, null]
    return r
  }
  // oneOf / anyOf / allOf / $ref without a type: wrap
  return { anyOf: [{ type: 'null' }, s] }
}

// A oneOf is kept as oneOf only when no valid value can match two variants:
// variants with pairwise different primitive types, string enums that do not
// overlap, or objects that all require a property whose enum values differ.
function variantsAreDisjoint(variants) {
  if (variants.some((v) => v == null || typeof v !== 'object' || v.$ref)) {
    return false
  }
  const types = variants.map((v) => v.type)
  if (types.every((t) => typeof t === 'string') && new Set(types).size === types.length) {
    return true
  }
  if (variants.every((v) => Array.isArray(v.enum))) {
    const all = variants.flatMap((v) => v.enum)
    return new Set(all).size === all.length
  }
  if (variants.every((v) => v.type === 'object' && v.properties)) {
    const candidates = Object.keys(variants[0].properties)
    for (const prop of candidates) {
      const sets = variants.map((v) =>
        (v.required ?? []).includes(prop) && Array.isArray(v.properties?.[prop]?.enum)
          ? v.properties[prop].enum
          : null,
      )
      if (sets.some((s) => s == null)) continue
      const all = sets.flat()
      if (new Set(all).size === all.length) return true
    }
    // tuples of enum properties (e.g. action_type + status)
    const enumProps = candidates.filter((p) =>
      variants.every(
        (v) => (v.required ?? []).includes(p) && Array.isArray(v.properties?.[p]?.enum),
      ),
    )
    if (enumProps.length >= 2) {
      const keys = variants.map((v) =>
        enumProps.map((p) => JSON.stringify(v.properties[p].enum)).join('|'),
      )
      const singleValued = variants.every((v) =>
        enumProps.every((p) => v.properties[p].enum.length === 1),
      )
      if (singleValued && new Set(keys).size === keys.length) return true
    }
  }
  return false
}

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  discriminator: true,
  validateFormats: true,
})
addFormats(ajv)
// OpenAPI numeric formats that ajv-formats does not know
for (const f of ['float', 'double']) {
  ajv.addFormat(f, { type: 'number', validate: (n) => Number.isFinite(n) })
}
for (const f of ['int32', 'int64']) {
  ajv.addFormat(f, { type: 'number', validate: (n) => Number.isInteger(n) })
}

const convertedComponents = Object.fromEntries(
  Object.entries(openapi.components.schemas).map(([name, s]) => [name, toJsonSchema(s)]),
)
ajv.addSchema({ $id: DOC_ID, components: { schemas: convertedComponents } })

const validatorCache = new Map()

function compileCached(key, buildSchema) {
  let v = validatorCache.get(key)
  if (v == null) {
    v = ajv.compile(buildSchema())
    validatorCache.set(key, v)
  }
  return v
}

function formatErrors(errors, body) {
  const lines = (errors ?? []).slice(0, 40).map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath
    let params = JSON.stringify(e.params)
    if (params.length > 200) params = `${params.slice(0, 200)}...`
    const schemaPath = e.schemaPath.replace(DOC_ID, '')
    return `  - ${where} ${e.message} ${params} [schema ${schemaPath}]`
  })
  if ((errors ?? []).length > 40) lines.push(`  ... and ${errors.length - 40} more`)
  let json = JSON.stringify(body, null, 2) ?? String(body)
  if (json.length > 4000) json = `${json.slice(0, 4000)}\n... (truncated)`
  return `${lines.join('\n')}\nbody:\n${json}`
}

/** Names of the component schemas, e.g. 'access_code', 'device', 'event'. */
export const componentNames = Object.keys(openapi.components.schemas)

/** Returns the ajv validate function for a component schema. */
export function componentValidator(name) {
  assert.ok(
    Object.hasOwn(openapi.components.schemas, name),
    `no component schema named ${JSON.stringify(name)} in the OpenAPI document`,
  )
  return compileCached(`component:${name}`, () => ({
    $ref: `${DOC_ID}#/components/schemas/${name}`,
  }))
}

/** Returns the list of ajv errors (empty when valid) for a component schema. */
export function componentErrors(name, value) {
  const validate = componentValidator(name)
  return validate(value) ? [] : [...validate.errors]
}

/** Throws an AssertionError listing the ajv errors when `value` is not a valid `name`. */
export function validateComponent(name, value) {
  const validate = componentValidator(name)
  if (!validate(value)) {
    throw new assert.AssertionError({
      message: `value does not match OpenAPI component schema '${name}':\n${formatErrors(validate.errors, value)}`,
      actual: value,
      expected: `components.schemas.${name}`,
      operator: 'validateComponent',
    })
  }
  return value
}

export const validateAccessCode = (v) => validateComponent('access_code', v)
export const validateDevice = (v) => validateComponent('device', v)
export const validateEvent = (v) => validateComponent('event', v)
export const validateActionAttempt = (v) => validateComponent('action_attempt', v)

/** The OpenAPI operation object for path + method, or undefined. */
export function getOperation(path, method) {
  return openapi.paths[path]?.[String(method).toLowerCase()]
}

/** Methods the OpenAPI document lists for a path (lower case). */
export function methodsFor(path) {
  return Object.keys(openapi.paths[path] ?? {}).filter((m) =>
    ['get', 'post', 'put', 'patch', 'delete'].includes(m),
  )
}

function successValidator(path, method) {
  const m = String(method).toLowerCase()
  return compileCached(`response:${m}:${path}`, () => {
    const op = getOperation(path, m)
    assert.ok(
      op != null,
      `the OpenAPI document has no operation ${m.toUpperCase()} ${path} (it lists: ${methodsFor(path).join(', ') || 'no such path'})`,
    )
    const schema = op.responses?.['200']?.content?.['application/json']?.schema
    assert.ok(schema != null, `no 200 application/json response schema for ${m.toUpperCase()} ${path}`)
    return toJsonSchema(schema, DOC_ID)
  })
}

/** Checks the Seam error envelope {ok:false, error:{type, message}}. */
export function validateErrorEnvelope(body, context = '') {
  const where = context ? ` (${context})` : ''
  const show = () => JSON.stringify(body)?.slice(0, 2000)
  assert.ok(
    body !== null && typeof body === 'object' && !Array.isArray(body),
    `error response body must be a JSON object${where}, got: ${show()}`,
  )
  assert.equal(body.ok, false, `error response must have ok:false${where}, got: ${show()}`)
  assert.ok(
    body.error !== null && typeof body.error === 'object' && !Array.isArray(body.error),
    `error response must have an "error" object${where}, got: ${show()}`,
  )
  assert.equal(typeof body.error.type, 'string', `error.type must be a string${where}, got: ${show()}`)
  assert.match(body.error.type, /^[a-z][a-z0-9_]*$/, `error.type must be snake_case${where}, got: ${show()}`)
  assert.equal(typeof body.error.message, 'string', `error.message must be a string${where}, got: ${show()}`)
  assert.ok(body.error.message.length > 0, `error.message must not be empty${where}`)
  return body
}

/**
 * Validates a response body against the OpenAPI document.
 * 2xx: the 200 response schema of path+method (and `ok: true`).
 * Otherwise: the error envelope {ok:false, error:{type:string, message:string}}.
 * Throws an AssertionError listing the ajv errors on mismatch; returns body.
 */
export function validateResponse(path, method, status, body) {
  const p = String(path).split('?')[0]
  const m = String(method).toUpperCase()
  if (status >= 200 && status < 300) {
    const validate = successValidator(p, m)
    if (!validate(body)) {
      throw new assert.AssertionError({
        message: `${m} ${p} -> ${status}: response body does not match the OpenAPI 200 schema:\n${formatErrors(validate.errors, body)}`,
        actual: body,
        expected: `OpenAPI ${m} ${p} 200`,
        operator: 'validateResponse',
      })
    }
    assert.equal(body.ok, true, `${m} ${p} -> ${status}: success body must have ok:true`)
    return body
  }
  return validateErrorEnvelope(body, `${m} ${p} -> ${status}`)
}
