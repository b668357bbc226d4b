// The portal works without script; this only adds the copy buttons (the secret page, the follow-up messages).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.getAttribute("aria-describedby"));
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = "Copied to the clipboard.";
  } catch {
    // Clipboard access needs a secure context; the text is selected, so Ctrl+C still works.
    if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected text.";
  }
});
