// After a failed submit, focus moves to the first invalid field so its label and error are read out. MudBlazor's
// inputs mark themselves (aria-invalid, aria-describedby); the portal's radio groups carry aria-invalid too.
(() => {
  window.portalForms = {
    sync(marker, focusFirst) {
      const form = marker?.closest('form');
      if (!form || !focusFirst) return;
      const first = form.querySelector('[aria-invalid="true"]:not([disabled])');
      const target = first?.matches('input, textarea, select, [tabindex]') ? first : first?.querySelector('input:not([type=hidden]), textarea, [tabindex="0"]');
      (target ?? first)?.focus();
    },
  };
})();
