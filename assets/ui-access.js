/* Phones, keyboards and screen readers on the app's page (layout.py): what Dash's components and Plotly leave out.
 *
 * - Names: the map, the slider's handle (and its value as a date), the search box's focus target, radio items and
 *   checklists as named groups (Dash draws them as listboxes of options holding inputs: nested controls), and Plotly's
 *   toolbar buttons out of the tab order (they stay clickable; the toolbar is invisible until hovered).
 * - A polite live region and the table view: the date drawn, each faction's share (both from the map's key,
 *   which map.js rewrites in the frame that draws a date) and the selected place's holder (the place panel).
 * - On key dates, what happened, beside the date label (the slider's marks show only key dates on phones, none
 *   closer than 6 px to the one before it).
 * - The Key button (phones), and the place panel: Esc closes it, focus goes into it when the reader opens it and
 *   back to where it was when it closes.
 */
(function () {
  "use strict";

  const ID = window.dashboardConstants.ids; // names shared with Python (assets/constants.js)
  // The words this script adds, in the page's language: the catalogue's `access` section, which layout.py puts on
  // the table view's element (read when first needed: Dash draws the layout after this script runs).
  let words = null;
  function word(key) {
    const source = words ?? document.getElementById(ID.TABLE_VIEW);
    if (!words && source) words = JSON.parse(source.dataset.words);
    return (words && words[key]) || "";
  }
  const WORDS = new Proxy({}, { get: (_, key) => word(key) });
  // Dash's radio items and checklists, by id: the catalogue's name for their group.
  const GROUPS = { [ID.SPEED]: "speed", [ID.CHANGES_MODE]: "changes", [ID.SIDE_BY_SIDE]: "side_by_side" };
  const byId = (id) => document.getElementById(id);
  const thumb = () => document.querySelector(`#${ID.SLIDER} [role=slider]`);

  function setAttr(el, name, value) {
    if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function unsetAttr(el, name) {
    if (el && el.hasAttribute(name)) el.removeAttribute(name);
  }

  /* ------------------------------------------------------------ names (Dash may draw these again at any time) */

  function name() {
    setAttr(thumb(), "aria-label", WORDS.slider);
    const search = byId(ID.SEARCH);
    const target = search && search.parentElement.querySelector(".dash-dropdown-focus-target");
    if (target) {
      unsetAttr(target, "aria-hidden"); // it takes focus: it cannot be hidden from screen readers
      setAttr(target, "aria-label", WORDS.search);
    }
    for (const list of document.querySelectorAll(".dash-radioitems, .dash-checklist")) {
      setAttr(list, "role", list.classList.contains("dash-radioitems") ? "radiogroup" : "group");
      if (GROUPS[list.id]) setAttr(list, "aria-label", WORDS[GROUPS[list.id]]);
      for (const option of list.querySelectorAll("label")) {
        unsetAttr(option, "role");
        unsetAttr(option, "aria-selected");
      }
    }
    for (const button of document.querySelectorAll(".modebar-btn")) setAttr(button, "tabindex", "-1");
    setAttr(document.querySelector(`#${ID.MAP} .maplibregl-canvas`), "aria-label", WORDS.map);
    for (const name of ["title", "aria-label"]) // MapLibre's own button, in English otherwise
      setAttr(document.querySelector(`#${ID.MAP} .maplibregl-ctrl-attrib-button`), name, WORDS.attribution);
  }

  /* ------------------------------------------------------------ what the map shows, as text */

  function shown() {
    const key = byId(ID.MAP_KEY);
    if (!key) return null;
    const asOf = key.querySelector(".as-of").textContent;
    const shares = [...key.querySelectorAll("li")].map((li) => li.textContent.split(" · "));
    const panel = byId(ID.PANEL);
    const heading = panel && !panel.hidden ? panel.querySelector("h2") : null;
    const place = heading ? { name: heading.textContent, holder: byId(ID.PANEL_HOLDER).textContent } : null;
    return { asOf, shares, place };
  }

  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  let tabled = null; // the view the table shows (rewriting it would wake the observer that called this)
  function writeTable(view) {
    const table = byId(ID.TABLE_VIEW);
    const seen = JSON.stringify(view);
    if (!table || seen === tabled) return;
    tabled = seen;
    const grid = document.createElement("table");
    grid.append(cell("caption", view.asOf));
    const head = document.createElement("tr");
    head.append(cell("th", WORDS.faction), cell("th", WORDS.share));
    grid.append(head);
    for (const [faction, ...rest] of view.shares) {
      const row = document.createElement("tr");
      const th = cell("th", faction);
      th.scope = "row";
      row.append(th, cell("td", rest.join(" · ")));
      grid.append(row);
    }
    const place = view.place
      ? cell("p", `${WORDS.selected}: ${view.place.name}, ${WORDS.held_by} ${view.place.holder}.`)
      : cell("p", WORDS.none);
    table.replaceChildren(grid, place);
  }

  let said = null; // in the live region
  let pending = null; // to be said once the view has settled
  let sayTimer = null;
  /* Announced once the view has settled (a step of play, a drag), not on every frame of a drag; factions holding
   * nothing are left out. */
  function announce(view) {
    const place = view.place ? ` ${WORDS.selected}: ${view.place.name}, ${WORDS.held_by} ${view.place.holder}.` : "";
    const held = view.shares.filter(([, share]) => share !== "0.0%"); // the table view lists every faction
    const text = `${view.asOf}. ${held.map(([faction, ...rest]) => `${faction} ${rest.join(", ")}`).join("; ")}.${place}`;
    if (text === pending) return;
    pending = text;
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => {
      const region = byId(ID.ANNOUNCE);
      if (region && text !== said) {
        said = text;
        region.textContent = text;
      }
    }, 600);
  }

  function writeDate() {
    const handle = thumb();
    const label = byId(ID.DATE_LABEL);
    if (!handle || !label) return;
    setAttr(handle, "aria-valuetext", label.textContent);
    const marks = document.querySelectorAll(`#${ID.SLIDER} .dash-slider-mark`);
    const mark = marks[Number(handle.getAttribute("aria-valuenow"))];
    const note = byId(ID.DATE_NOTE);
    const text = mark && mark.style.fontWeight ? mark.textContent.split("\n").slice(1).join(" · ") : "";
    if (note && note.textContent !== text) note.textContent = text;
  }

  /* On phones the slider labels only key dates (style.css), in up to three rows: a label goes in the first row
   * where it clears the label before it in that row (before it in time: on its left, or on its right where the
   * slider is mirrored, right to left), each row a line lower; one that clears none is hidden. */
  const phone = window.matchMedia("(max-width: 599px)");
  const ROWS = ["", "row-2", "row-3"]; // the class of each row's labels
  function thinMarks() {
    const last = ROWS.map(() => null); // the box of the last label shown in each row
    for (const mark of document.querySelectorAll(`#${ID.SLIDER} .dash-slider-mark`)) {
      if (!mark.style.fontWeight) continue;
      mark.classList.remove("crowded", ...ROWS.filter(Boolean));
      const text = mark.firstChild; // "30 Nov\nAleppo falls": only its first line shows
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, text.textContent.includes("\n") ? text.textContent.indexOf("\n") : text.length);
      const box = range.getBoundingClientRect();
      const clears = (kept) => kept === null || box.left >= kept.right + 6 || box.right <= kept.left - 6;
      const row = phone.matches ? last.findIndex(clears) : 0;
      if (row < 0) mark.classList.add("crowded");
      else {
        last[row] = box;
        if (ROWS[row]) mark.classList.add(ROWS[row]);
      }
    }
  }
  window.addEventListener("resize", () => requestAnimationFrame(thinMarks));

  let first = true;
  function update() {
    name();
    writeDate();
    thinMarks();
    const view = shown();
    if (!view) return;
    writeTable(view);
    if (first) {
      first = false; // the page's opening view is not news
      said = null;
      return;
    }
    announce(view);
  }

  let queued = false;
  function schedule() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  }
  new MutationObserver(schedule).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["hidden", "aria-valuenow", "aria-selected", "aria-hidden", "tabindex"],
  });

  /* ------------------------------------------------------------ the Key button (shown on phones only) */

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(`#${ID.KEY_TOGGLE}`);
    if (!button) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    byId(ID.MAP_KEY).classList.toggle("open", open);
  });

  /* ------------------------------------------------------------ the place panel: focus in, Esc, focus back */

  let outside = null; // the last element outside the panel that had focus
  let returnTo = null; // where focus goes when the panel closes
  let touched = false; // the reader has done something (the panel an address opens takes no focus)
  document.addEventListener("focusin", (event) => {
    const panel = byId(ID.PANEL);
    if (panel && !panel.contains(event.target)) outside = event.target;
  });
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, () => (touched = true), true);

  let open = false;
  function panelChanged() {
    const panel = byId(ID.PANEL);
    if (!panel || open === !panel.hidden) return;
    open = !panel.hidden;
    if (open && touched) {
      returnTo = outside && outside !== document.body ? outside : null;
      byId(ID.PANEL_CLOSE).focus({ preventScroll: true });
    } else if (!open) {
      const active = document.activeElement;
      if (returnTo && returnTo.isConnected && (!active || active === document.body || panel.contains(active))) {
        returnTo.focus({ preventScroll: true });
      }
      returnTo = null;
    }
  }
  new MutationObserver(panelChanged).observe(document.documentElement, {
    subtree: true,
    attributes: true,
    attributeFilter: ["hidden"],
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const panel = byId(ID.PANEL);
    if (!panel || panel.hidden) return;
    if (event.target.closest && event.target.closest(".dash-dropdown[aria-expanded=true], [role=listbox], [role=option]")) return;
    event.preventDefault();
    byId(ID.PANEL_CLOSE).click();
  });
})();
