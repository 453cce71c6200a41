// After a failed submit, focus moves to the first invalid field so its label and error are read out. MudBlazor's
// inputs mark themselves (aria-invalid, aria-describedby); the portal's radio groups carry aria-invalid too.
(() => {
  // Enter in a MudAutocomplete, or in an open MudSelect, picks an option (MudBlazor acts on it); it must not also
  // submit the surrounding form, as the browser's implicit submission would on keydown.
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.getAttribute('role') === 'combobox'
        && (e.target.getAttribute('aria-autocomplete') === 'list' || e.target.getAttribute('aria-expanded') === 'true')) e.preventDefault();
  }, true);
  window.portalForms = {
    sync(marker, focusFirst) {
      const form = marker?.closest('form');
      if (!form) return;
      // MudBlazor's error text is not a live region: make each invalid field's message an alert, so it is read out
      // when it appears (live validation) and not only when the field gets focus.
      for (const field of form.querySelectorAll('[aria-invalid="true"][aria-describedby]'))
        for (const id of field.getAttribute('aria-describedby').split(' ')) document.getElementById(id)?.setAttribute('role', 'alert');
      if (!focusFirst) return;
      const first = form.querySelector('[aria-invalid="true"]:not([disabled])');
      const target = first?.matches('input, textarea, select, [tabindex]') ? first : first?.querySelector('input:not([type=hidden]), textarea, [tabindex="0"]');
      (target ?? first)?.focus();
    },
  };
})();
