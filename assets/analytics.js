/* Territory analytics, part 3 of 3 (after analytics-data.js and analytics-maps.js): the slider's date in the
 * section under the map, a click on a chart's date, and the clientside callbacks (analytics_callbacks.py):
 *   - section: the slider's date in the section under the map (the charts' mark, the governorate table, the
 *     date's download links), set with set_props only while the section is on screen, so that scrubbing or
 *     playing the map pays nothing for it;
 *   - changes: the list of places that changed hands between the two dates, and on the main map the ground
 *     that changed hands (analytics-maps.js);
 *   - compare: the other date's zones on the side-by-side map (analytics-maps.js).
 * Every slider step is handled in the browser, with no server round trip. A click on a date of a chart moves the
 * map there at once (`listenForDates`).
 */
(function () {
  "use strict";

  const A = window.dashboardAnalyticsParts;
  const { h, shortDate, word } = A;
  // Names shared with Python (assets/constants.js, which loads after this file: read when used).
  const ID = () => window.dashboardConstants.ids;

  const noUpdate = () => window.dash_clientside.no_update;
  const validIndex = (i) => Number.isInteger(i) && i >= 0 && i < A.data.dates.length;

  /* The two dates a "changes since" mode compares: [earlier, later, the other date's index], or null. */
  function pairOf(index, mode, since) {
    if (mode === "off" || !validIndex(index)) return null;
    let other = { day: index - 1, first: 0, date: A.data.dates.indexOf(since) }[mode];
    if (!validIndex(other)) other = index; // the day before the first day: nothing changed
    return [Math.min(index, other), Math.max(index, other), other];
  }

  /* ------------------------------------------------------------ the section under the map */

  /* The slider's date in the section under the map: the charts' mark, the governorate table, the links. */
  function showSection(index) {
    const data = A.data;
    const iso = data.dates[index];
    const set = window.dash_clientside.set_props;
    const mark = new window.dash_clientside.Patch()
      .assign(["layout", "shapes", 0, "x0"], iso)
      .assign(["layout", "shapes", 0, "x1"], iso)
      .assign(["layout", "shapes", 0, "label", "text"], shortDate(iso))
      .build();
    set(ID().AREA_CHART, { figure: mark });
    set(ID().POPULATION_CHART, { figure: mark });
    set(ID().GOVERNORATE_TITLE, { children: word("analytics.by_governorate", { date: data.labels[index] }) });
    set(ID().GOVERNORATE_TABLE, { children: A.governorateTable(index) });
    set(ID().DOWNLOAD_DAY_LABEL, { children: word("analytics.on_date", { date: data.labels[index] }) });
    for (const [kind, template] of Object.entries(data.downloads)) {
      set(`${ID().DOWNLOAD_DAY}-${kind}`, { href: template.replace("{date}", iso) });
    }
  }

  /* Work for the section waits until it is on screen: scrubbing or playing the map stays fast. */
  let sectionIndex = null;
  let sectionSeen = false;
  let sectionShown = null;
  let observer = null;

  function updateSection() {
    if (sectionSeen && sectionIndex !== null && sectionIndex !== sectionShown) {
      sectionShown = sectionIndex;
      showSection(sectionIndex);
    }
  }

  function watchSection() {
    const section = document.querySelector(".analytics");
    if (observer || !section) return;
    // A section just below the fold touches the viewport without showing: the root's bottom is pulled up 1px.
    observer = new IntersectionObserver(
      (entries) => {
        sectionSeen = entries[entries.length - 1].isIntersecting;
        updateSection();
      },
      { rootMargin: "0px 0px -1px 0px" }
    );
    observer.observe(section);
  }

  /* ------------------------------------------------------------ a click on a chart's date */

  /* Plotly's own events on each chart, not Dash's clickData: that reaches a callback only after Dash's queue (the
   * charts' mark and the table from the last step, ~0.9 s on a slow machine). Listening starts when the pointer
   * first comes over a chart (or presses it: a touch has no hover first), so a chart Plotly draws (or redraws as a
   * new element) later is covered too. assets/scrub.js's goTo draws the date, then tells Dash.
   *
   * Plotly fires its click on release, after finding the point again (its hover, drawn anew): 30-50 ms on a slow
   * machine before the map can start drawing. The point under the pointer is known from Plotly's last hover, so a
   * release where the press began (not a zoom drag: within Plotly's MINDRAG) draws its date at once, in the
   * release's task; Plotly's click then finds that date drawn. Where nothing was hovered (a tap), the click does. */
  const DRAG_PX = 8; // plotly.js's MINDRAG: a press that moves further is a zoom drag, not a click
  const hovered = new WeakMap(); // a chart's graph div → the date index under the pointer, or null
  const dateOf = (points) => {
    const point = points && points[0];
    const index = point && point.customdata && point.customdata[0];
    return Number.isInteger(index) ? index : null;
  };
  function chartOf(event) {
    const chart = event.target.closest && event.target.closest(`#${ID().AREA_CHART}, #${ID().POPULATION_CHART}`);
    const gd = chart && chart.querySelector(".js-plotly-plot");
    return gd && gd.on ? gd : null;
  }
  function listenForDates(event) {
    const gd = chartOf(event);
    if (!gd || hovered.has(gd)) return;
    hovered.set(gd, null);
    gd.on("plotly_hover", (hover) => hovered.set(gd, dateOf(hover.points)));
    gd.on("plotly_unhover", () => hovered.set(gd, null));
    gd.on("plotly_click", (click) => {
      const index = dateOf(click.points);
      if (index !== null) window.dashboardScrub.goTo(index);
    });
  }
  document.addEventListener("pointerover", listenForDates, true);
  let press = null; // {gd, x, y}: a press on a chart, until its release
  document.addEventListener(
    "pointerdown",
    (event) => {
      listenForDates(event);
      const gd = chartOf(event);
      press = gd && event.button === 0 ? { gd, x: event.clientX, y: event.clientY } : null;
    },
    true,
  );
  document.addEventListener(
    "pointerup",
    (event) => {
      const at = press;
      press = null;
      if (!at || Math.hypot(event.clientX - at.x, event.clientY - at.y) > DRAG_PX) return;
      const index = hovered.get(at.gd);
      if (index !== null && index !== undefined) window.dashboardScrub.goTo(index);
    },
    true,
  );

  /* ------------------------------------------------------------ callbacks */

  // What the changes panel and the second map show: unchanged outputs are not sent again.
  let changesShown = null;
  let compareShown;

  const dashboardAnalytics = {
    async section(index, url) {
      await A.load(url);
      if (!validIndex(index)) return;
      sectionIndex = index;
      watchSection();
      updateSection();
    },

    async changes(index, mode, since, sideOptions, url) {
      await A.load(url);
      const pair = pairOf(index, mode, since);
      const key = pair && pair[0] !== pair[1] ? `${pair[0]}-${pair[1]}` : null;
      const shown = `${mode} ${pair ? pair.slice(0, 2) : ""}`;
      if (shown === changesShown) return Array(6).fill(noUpdate()); // playing with the mode off, say
      changesShown = shown;
      A.drawChanges(key);
      const options = sideOptions.map((o) => Object.assign({}, o, { disabled: !pair }));
      if (!pair) return [true, "", [], [], mode !== "date", options];
      const [a, b] = pair;
      const data = A.data;
      if (!key) {
        const title = word("changes.none_title", { date: data.labels[a] });
        return [false, title, [h("P", {}, word("changes.none_hint"))], [], mode !== "date", options];
      }
      const entry = data.changes[key] || data.changes[data.same[key]];
      const title = word("changes.title", { first: shortDate(data.dates[a]), last: data.labels[b] });
      return [false, title, A.changeSummary(entry), A.changeList(entry), mode !== "date", options];
    },

    async compare(index, mode, since, side, figure, url) {
      await A.load(url);
      const pair = pairOf(index, mode, since);
      const other = pair && (side || []).includes("on") ? pair[2] : null;
      if (other === null) {
        A.stopCompare();
      } else {
        A.drawCompare(other); // also when the figure arrives
      }
      if (other === compareShown) return [noUpdate(), noUpdate()];
      compareShown = other;
      if (other === null) return [true, ""];
      return [false, [h("Small", {}, word("changes.compared_with")), h("Br"), A.data.labels[other]]];
    },
  };

  window.dash_clientside = Object.assign({}, window.dash_clientside, { dashboardAnalytics });
})();
