// Resettle's only script: progressive enhancement of GOV.UK and MoJ components.
// Served as an ES module (<script type="module" src="/static/app.js">); every page works
// without it. Components stay inert unless <body> has the class `govuk-frontend-supported`,
// which the layout sets with a tiny inline script (allowed by a CSP hash).
import { initAll as initGovuk } from '/static/govuk-frontend.min.js'
import { initAll as initMoj } from '/static/moj-frontend.min.js'

initGovuk()
initMoj()
