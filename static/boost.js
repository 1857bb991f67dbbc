// Boost today: log an action without leaving the page. The forms work without this file
// (plain POST, redirect back, flash); with it the server sends the re-rendered row.
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-row-action")) return;
  const row = form.closest(".boost-row");
  if (!row) return;
  event.preventDefault();
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch", "Accept": "text/html" },
      credentials: "same-origin",
    });
    // Anything but our row partial (a login page, a proxy error) gets the plain post.
    if (response.headers.get("X-Boost-Row") !== "1") throw new Error("not a row");
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) throw new Error("empty row");
    row.replaceWith(fresh);
    const notice = fresh.querySelector(".row-notice");
    if (notice) notice.focus({ preventScroll: true });
  } catch (_err) {
    form.submit();
  }
});

// Presence: while this tab is visible and focused, tell the server once a minute that the
// teammate is at the board (a tab left open in the background does not count).
(() => {
  const marker = document.querySelector("[data-heartbeat]");
  if (!marker) return;
  const beat = () => {
    if (document.visibilityState !== "visible" || !document.hasFocus()) return;
    const body = new FormData();
    body.append("csrf_token", marker.dataset.csrf);
    fetch(marker.dataset.heartbeat, { method: "POST", body, credentials: "same-origin" })
      .catch(() => {});
  };
  beat();
  setInterval(beat, 60_000);
  window.addEventListener("focus", beat);
  document.addEventListener("visibilitychange", beat);
})();
