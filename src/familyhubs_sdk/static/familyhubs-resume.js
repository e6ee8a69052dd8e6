// "Save and come back later" links carry their token after "#" (…/resume#fhr1_…). Browsers never
// send that part to the server, so the token stays out of access logs and Referer headers. On the
// resume page this copies it into the form, so the person only presses Continue; hides the box a
// person without JavaScript pastes the link into; and takes the token out of the address bar and
// the history. It does nothing on any other page. No inline script: pages can forbid it by CSP.
const TOKEN = /^fhr1_[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const group = document.querySelector('[data-familyhubs-module="resume-code"]');
const input = group ? group.querySelector("input") : null;
const code = window.location.hash.slice(1);

if (input && TOKEN.test(code)) {
  input.value = code;
  group.classList.add("govuk-!-display-none");
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
}
