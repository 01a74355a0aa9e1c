// Copy buttons on the credentials page. Without JavaScript the values stay in
// read-only fields that can be selected and copied by hand.
for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Selected: press Ctrl+C";
    }
  });
}
