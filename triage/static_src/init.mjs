// Starts the GOV.UK Frontend components. Loaded as a module, so browsers too old
// for it get the page without JavaScript, as GOV.UK Frontend intends.
import { initAll } from './govuk-frontend.min.js'

initAll()
