// Turns on GOV.UK Frontend's components (conditional reveals, character counts, error summary
// focus and the rest). A file rather than the inline snippet in GOV.UK's page template, so pages
// can forbid inline script in their Content-Security-Policy. Browsers run module scripts only
// when they support them (GOV.UK Frontend's own test), after the document is parsed.
import { initAll } from "./govuk/govuk-frontend.min.js";
import "./familyhubs-resume.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
