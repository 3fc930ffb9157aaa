/* Every way of moving the date draws it in the next frame, and hands the value to Dash once the map has drawn it.
 *
 * Dash runs the callbacks a slider value triggers (the label, the address, the place panel, the analytics
 * section and charts) in the task that sets it, before the browser draws again: tens to hundreds of ms of
 * main thread on a slow machine. So each input here takes the event before the slider or Dash sees it,
 * draws the date with assets/map.js's `dashboardDraw` (MapLibre switches layers in this task, the next frame
 * shows the new date whole) and sets the slider's value by `set_props` once MapLibre is idle after that frame.
 *
 * Inputs: an arrow key on the slider's handle (in the slider's direction: mirrored right to left); a press, drag or touch anywhere on the slider (track, marks,
 * handle: the value under the pointer, as the slider computes it); the ◀/▶ buttons (and the keys that click
 * them, in map.js); play (its button here, each tick in map.js's `step`); a click on a chart
 * point (analytics.js's `listenForDates`). Until the map data is loaded, `dashboardDraw` says no and the value goes
 * to Dash at once.
 */
(function () {
  "use strict";

  const ID = window.dashboardConstants.ids; // names shared with Python (assets/constants.js)
  const SLIDER = `#${ID.SLIDER}`;
  let pending = null; // the date drawn but not yet handed to Dash

  const thumb = () => document.querySelector(`${SLIDER} [role=slider]`);
  const last = () => Number(thumb().getAttribute("aria-valuemax"));

  /* Right to left, the slider is mirrored (layout.py's `reverse` where the page's direction is rtl): the first
   * date on the right, → the earlier date, a press measured from the right edge. Read from the page, so that the
   * keys and presses follow the slider the layout drew; once, as a page keeps its direction (the language switch
   * loads another page), and reading a computed style after Dash's last update would lay the page out again in the
   * very task that draws the next date. */
  let rtl = null;
  function mirrored() {
    const slider = document.querySelector(SLIDER);
    if (rtl === null && slider) rtl = getComputedStyle(slider).direction === "rtl";
    return Boolean(rtl);
  }

  /* The date the slider shows, or will once Dash has the value drawn last. */
  function current() {
    return pending ?? Number(thumb().getAttribute("aria-valuenow"));
  }

  const afterFrame = (task) => requestAnimationFrame(() => setTimeout(task, 0));

  /* Draw date `index` in the next frame; Dash gets it once the map has drawn it (a later goTo hands over its
   * own). Dash's updates (the slider, the label, the charts' mark and the table: most of a second of main thread on
   * a slow machine) would otherwise hold back the frame that shows the map. */
  function goTo(index) {
    if (!Number.isInteger(index) || index < 0 || index > last()) return;
    if (index === current()) return;
    const drawn = window.dashboardDraw && window.dashboardDraw(index);
    if (!drawn) {
      window.dash_clientside.set_props(ID.SLIDER, { value: index });
      return;
    }
    pending = index;
    drawn.then(() =>
      afterFrame(() => {
        if (pending !== index) return;
        pending = null;
        window.dash_clientside.set_props(ID.SLIDER, { value: index });
      }),
    );
    return drawn;
  }

  /* The slider's value under a pointer, as the slider itself computes it (the root's box, rounded to a date),
   * from the left edge, or from the right edge where it is mirrored. */
  function valueAt(root, clientX) {
    const box = root.getBoundingClientRect();
    const fromStart = mirrored() ? box.right - clientX : clientX - box.left;
    const share = Math.min(Math.max(fromStart / box.width, 0), 1);
    return Math.round(share * last());
  }

  function take(event) {
    event.preventDefault();
    event.stopPropagation();
  }

  /* Arrow keys on the handle: ← / → move towards that end of the slider (→ is the later date, or the earlier one
   * where the slider is mirrored), ↑ is always the later date and ↓ the earlier, as the slider's own keys do. */
  document.addEventListener(
    "keydown",
    (event) => {
      if (!["ArrowLeft", "ArrowDown", "ArrowRight", "ArrowUp"].includes(event.key)) return;
      if (!event.target.closest || !event.target.closest(`${SLIDER} [role=slider]`)) return;
      const towardsRight = mirrored() ? -1 : 1;
      const delta = { ArrowLeft: -towardsRight, ArrowDown: -1, ArrowRight: towardsRight, ArrowUp: 1 }[event.key];
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      take(event);
      goTo(Math.min(Math.max(current() + delta, 0), last()));
    },
    true,
  );

  /* Press, drag and touch on the slider: the pointer is the slider's until it is released. */
  let dragging = null; // {root, pointerId}
  document.addEventListener(
    "pointerdown",
    (event) => {
      const root = event.target.closest && event.target.closest(`${SLIDER} .dash-slider-root`);
      if (!root || event.button !== 0 || !window.dashboardDraw) return;
      take(event);
      root.setPointerCapture(event.pointerId);
      dragging = { root, pointerId: event.pointerId };
      thumb().focus({ preventScroll: true });
      goTo(valueAt(root, event.clientX));
    },
    true,
  );
  document.addEventListener(
    "pointermove",
    (event) => {
      if (!dragging || event.pointerId !== dragging.pointerId) return;
      take(event);
      goTo(valueAt(dragging.root, event.clientX));
    },
    true,
  );
  const release = (event) => {
    if (!dragging || event.pointerId !== dragging.pointerId) return;
    take(event);
    dragging = null;
  };
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);

  /* Play: starting draws the next date (the first after the last) at once, and hands Dash the ticker and the
   * button's word once that frame is drawn; Dash's interval then ticks (map.js's `step`). Stopping hands them over
   * at once. Until the map data is loaded, the click goes to Dash (map.js's `togglePlay`), which keeps `playing`. */
  let playing = false;
  function handPlay(on) {
    const words = window.dashboardMapParts.data.words;
    window.dash_clientside.set_props(ID.TICKER, { disabled: !on });
    window.dash_clientside.set_props(ID.PLAY, { children: on ? words.pause : words.play });
  }
  function togglePlay() {
    playing = !playing;
    if (!playing) return handPlay(false);
    const drawn = goTo(current() >= last() ? 0 : current() + 1) || Promise.resolve();
    drawn.then(() => afterFrame(() => playing && handPlay(true)));
  }

  /* The ◀/▶ buttons and play (a click, or the keys map.js turns into clicks). */
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest && event.target.closest(`#${ID.PREV}, #${ID.NEXT}, #${ID.PLAY}`);
      if (!button || !window.dashboardDraw) return;
      take(event);
      if (button.id === ID.PLAY) togglePlay();
      else goTo(Math.min(Math.max(current() + (button.id === ID.NEXT ? 1 : -1), 0), last()));
    },
    true,
  );

  const superseded = (index) => pending !== null && pending !== index;

  /* map.js's `step` and `togglePlay` (Dash's side of play) say when they stop or start it. */
  const setPlaying = (on) => {
    playing = on;
  };

  window.dashboardScrub = { goTo, current, superseded, mirrored, setPlaying };
})();
