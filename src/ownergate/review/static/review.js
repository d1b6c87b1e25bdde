// Small conveniences only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Filters apply as soon as a choice changes.
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Ask before the two actions that change a verdict for good.
  for (const button of document.querySelectorAll("form[action$='/approve'] button, form[action$='/reject'] button")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.textContent + " this override?")) event.preventDefault();
    });
  }
});
