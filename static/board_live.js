// Boost today keeps itself current: every POLL_MS it asks /boost/live (a short request;
// 304 when nothing moved) and swaps in rows rendered by the server. New rows are marked;
// a row holding the keyboard focus is never replaced; the page is never reloaded, so
// scroll and focus stay. No inline script or style: the Content-Security-Policy holds.
"use strict";

(() => {
  const POLL_MS = 30000;
  const list = document.querySelector("ol.boost-list[data-live]");
  if (!list) return;
  let etag = null;
  let busy = false;
  let last = null; // the last answer, while a focused row still waits to leave

  function ageText(iso) {
    if (!iso) return "never read yet";
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
    return minutes < 1 ? "just now" : minutes < 120 ? `${minutes} min ago`
      : `${Math.round(minutes / 60)} h ago`;
  }

  function refreshAges() {
    for (const time of document.querySelectorAll("#board-status time[data-age]")) {
      time.textContent = ageText(time.getAttribute("datetime"));
    }
  }

  function element(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function applyRows(rows) {
    const focused = document.activeElement;
    const current = new Map([...list.children].map((li) => [li.id, li]));
    // Keys are element ids: "diary-12" for a row, "group-act" for a group's heading.
    const wanted = new Set(rows.map((row) => row.key));
    let previous = null;
    for (const row of rows) {
      const id = row.key;
      let node = current.get(id);
      if (!node) {
        node = element(row.html);
        if (id.startsWith("diary-")) {
          node.classList.add("row-new");
          const badge = document.createElement("span");
          badge.className = "badge row-new-badge";
          badge.textContent = "new";
          node.querySelector(".row-title")?.prepend(badge);
        }
      } else if (!node.contains(focused) && node.dataset.html !== row.html) {
        const fresh = element(row.html);
        if (node.classList.contains("row-new")) fresh.classList.add("row-new");
        node.replaceWith(fresh);
        node = fresh;
      }
      node.dataset.html = row.html;
      const anchor = previous ? previous.nextElementSibling : list.firstElementChild;
      if (anchor !== node) list.insertBefore(node, anchor);
      previous = node;
    }
    let kept = false;
    for (const [id, node] of current) {
      if (wanted.has(id)) continue;
      // A row that holds the focus (its "Logged" notice, say) leaves on a later poll.
      if (node.contains(focused)) kept = true;
      else node.remove();
    }
    return kept;
  }

  // Done and hidden rows fold away below the list; the open <details> stay open.
  function applyFolded(html) {
    const folded = document.getElementById("board-folded");
    if (!folded || typeof html !== "string" || folded.contains(document.activeElement)) return;
    const open = new Set([...folded.querySelectorAll("details[open]")].map((d) => d.className));
    const fresh = element(html);
    for (const details of fresh.querySelectorAll("details")) {
      if (open.has(details.className)) details.open = true;
    }
    // A row still kept in the list (focused) is not drawn twice.
    for (const li of fresh.querySelectorAll("li[id]")) {
      if (list.querySelector(`#${CSS.escape(li.id)}`)) li.remove();
    }
    folded.replaceWith(fresh);
  }

  function applyStatus(data) {
    const status = document.getElementById("board-status");
    if (status) {
      for (const old of status.querySelectorAll(".board-problem")) old.remove();
      for (const text of data.problems.slice().reverse()) {
        const p = document.createElement("p");
        p.className = "flash flash-error board-problem";
        p.setAttribute("role", "alert");
        p.textContent = text;
        status.prepend(p);
      }
      const times = status.querySelectorAll("time[data-age]");
      data.sites.forEach((site, i) => {
        if (times[i]) times[i].setAttribute("datetime", site.counts_at || "");
      });
      refreshAges();
    }
    const empty = document.getElementById("board-empty");
    if (empty) empty.hidden = data.rows.some((row) => row.key.startsWith("diary-"));
    const online = document.querySelector(".online-count");
    if (online && typeof data.online === "number") {
      online.textContent = data.online === 1 ? "1 teammate online (you)"
        : `${data.online} teammates online`;
    }
  }

  async function poll() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const headers = { "Accept": "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(list.dataset.live, { headers, credentials: "same-origin",
                                                        cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const data = await response.json();
        last = applyRows(data.rows) ? data : null;
        applyFolded(data.folded);
        applyStatus(data);
      } else {
        if (last && !applyRows(last.rows)) {
          applyFolded(last.folded);
          last = null;
        }
        refreshAges();
      }
    } catch (_err) {
      // Offline for a moment: the next poll tries again.
    } finally {
      busy = false;
    }
  }

  for (const li of list.children) li.dataset.html = "";
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  poll();
})();
