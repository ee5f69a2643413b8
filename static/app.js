// Resettle's only script: progressive enhancement of GOV.UK and MoJ components.
// Served as an ES module (<script type="module" src="/static/VERSION/app.js">); every page works
// without it. The imports are relative so that they carry the same VERSION (a content hash). Components stay inert unless <body> has the class `govuk-frontend-supported`,
// which the layout sets with a tiny inline script (allowed by a CSP hash).
import { initAll as initGovuk } from './govuk-frontend.min.js'
import { initAll as initMoj } from './moj-frontend.min.js'

initGovuk()
initMoj()
