// Accessible validation for the portal's forms. Radzen inputs are not InputBase components, so nothing marks them
// invalid for assistive technology: this ties each message to its field (aria-invalid, aria-describedby) and, after
// a failed submit, moves focus to the first invalid field so its label and error are read out.
(() => {
  const focusable = 'input:not([type=hidden]):not([tabindex="-1"]):not([disabled]), textarea, select, [tabindex="0"]';

  // ValidationMessage renders right after the field it belongs to (a RadzenFormField or a checkbox row).
  function fieldFor(message) {
    let el = message.previousElementSibling;
    while (el && el.classList.contains('validation-message')) el = el.previousElementSibling;
    if (!el) return null;
    return el.matches(focusable) ? el : el.querySelector(focusable);
  }

  function reset(form) {
    for (const field of form.querySelectorAll('[data-portal-invalid]')) {
      field.removeAttribute('aria-invalid');
      const original = field.getAttribute('data-portal-invalid');
      if (original) field.setAttribute('aria-describedby', original); else field.removeAttribute('aria-describedby');
      field.removeAttribute('data-portal-invalid');
    }
  }

  window.portalForms = {
    sync(marker, focusFirst) {
      const form = marker?.closest('form');
      if (!form) return;
      reset(form);
      let first = null;
      form.querySelectorAll('.validation-message').forEach((message, i) => {
        const field = fieldFor(message);
        if (!field) return;
        message.id ||= `${form.getAttribute('name') || 'form'}-error-${i}`;
        if (!field.hasAttribute('data-portal-invalid')) field.setAttribute('data-portal-invalid', field.getAttribute('aria-describedby') ?? '');
        const ids = new Set((field.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean)).add(message.id);
        field.setAttribute('aria-describedby', [...ids].join(' '));
        field.setAttribute('aria-invalid', 'true');
        first ??= field;
      });
      if (focusFirst && first) first.focus();
    },
  };
})();
