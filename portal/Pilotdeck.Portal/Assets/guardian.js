// The Guardian upload is a plain form post, which shows no feedback while a large manifest
// uploads and is analysed. This marks the form busy (CSS shows the spinner and message) and
// ignores a second click. Without script the form works the same, and the hidden request_id
// still makes a double submit store one analysis.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy-form]");
  if (!form) {
    return;
  }
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  form.setAttribute("aria-busy", "true");
  const status = form.querySelector("[data-busy-status]");
  if (status) {
    status.textContent = status.dataset.busyText;
  }
});

// Coming back with the browser's Back button restores the page from cache, still marked busy.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-busy-form][aria-busy='true']")) {
    form.removeAttribute("aria-busy");
    const status = form.querySelector("[data-busy-status]");
    if (status) {
      status.textContent = "";
    }
  }
});
