/* Territory analytics in the browser: every slider step is handled here, with no server round trip.
 *
 * Every date's and every date pair's figures arrive once (dashboard/analytics.py `browser_data`, a
 * content-hashed JSON URL cached for good). The clientside callbacks below (analytics_callbacks.py):
 *   - section: the slider's date in the section under the map (the charts' mark, the governorate table, the
 *     date's download links), set with set_props only while the section is on screen, so that scrubbing or
 *     playing the map pays nothing for it;
 *   - changes: the list of places that changed hands between the two dates, and on the main map the ground
 *     that changed hands, hatched and outlined in its new holder's colour (a click in the list rings the place);
 *   - compare: the other date's zones on the side-by-side map, whose camera follows the main map's (both ways).
 * A click on a date of a chart moves the map there at once (`listenForDates`).
 * When MapLibre has drawn them, #changes-panel gets data-drawn="<i>-<j>" / data-highlight="<place>" and
 * #compare gets data-compare-date="<date>": the browser tests wait on those.
 */
(function () {
  "use strict";

  // Names shared with Python (assets/constants.js, which loads after this file: read when used).
  const C = () => window.dashboardConstants;
  const ID = () => C().ids;
  let data = null;
  let loading = null;

  function load(url) {
    if (!loading) {
      loading = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`analytics data: HTTP ${r.status}`);
          return r.json();
        })
        .then((d) => {
          d.faction = Object.fromEntries(d.factions.map((f) => [f.id, f]));
          data = d;
        });
    }
    return loading;
  }

  const noUpdate = () => window.dash_clientside.no_update;
  const validIndex = (i) => Number.isInteger(i) && i >= 0 && i < data.dates.length;
  const number = (v) => Math.round(v).toLocaleString("en-GB"); // Western digits in every language (text.py)
  const shortDate = (iso) => data.shortLabels[data.dates.indexOf(iso)];
  /* The catalogue's entry `key` in the page's language (the payload's `words`), its {fields} filled in. */
  const word = (key, fields = {}) => data.words[key].replace(/\{(\w+)\}/g, (_, name) => fields[name]);
  const km2 = (v) => word("number.km2", { value: number(v) });

  /* A Dash html component, as a clientside callback returns it. */
  function h(type, props, children) {
    const all = Object.assign({}, props);
    if (children !== undefined) all.children = children;
    return { type, namespace: "dash_html_components", props: all };
  }
  const dot = (id) => h("Span", { className: "dot", style: { backgroundColor: data.faction[id].colour } });
  const named = (id) => [dot(id), data.faction[id].label];

  /* The two dates a "changes since" mode compares: [earlier, later, the other date's index], or null. */
  function pairOf(index, mode, since) {
    if (mode === "off" || !validIndex(index)) return null;
    let other = { day: index - 1, first: 0, date: data.dates.indexOf(since) }[mode];
    if (!validIndex(other)) other = index; // the day before the first day: nothing changed
    return [Math.min(index, other), Math.max(index, other), other];
  }

  /* ------------------------------------------------------------ maps */

  const MAP = () => `#${ID().MAP} .js-plotly-plot`;
  const COMPARE = () => `#${ID().COMPARE_MAP} .js-plotly-plot`;
  // A camera move whose event has an originalEvent is kept by Plotly as the user's view (see map.js).
  const asUser = { originalEvent: { type: "dashboardAnalytics" } };

  function mapOf(gd) {
    const map = gd && gd._fullLayout && gd._fullLayout.map;
    return map && map._subplot && map._subplot.map;
  }

  /* The MapLibre map of a graph, once it exists and its style has loaded; null if `stale()` first. */
  function mapReady(selector, stale) {
    return new Promise((resolve) => {
      const check = () => {
        if (stale()) return resolve(null);
        const gd = document.querySelector(selector);
        const map = mapOf(gd);
        if (map && map.isStyleLoaded()) resolve({ gd, map });
        else requestAnimationFrame(check);
      };
      check();
    });
  }

  function drawn(map) {
    return new Promise((resolve) => {
      map.once("idle", resolve);
      map.triggerRepaint();
    });
  }

  const EMPTY = { type: "FeatureCollection", features: [] };
  const CHANGES = () => C().layers.changes;
  const HIGHLIGHT = () => C().layers.highlight;

  /* Stripes in a faction's colour over a light veil (the map spec's `changes` style), as a MapLibre image; they
   * run "\", across the claimed-ground hatch map.js draws ("/"). */
  function hatch(colour) {
    const { size, stripe, veil } = data.style.hatch;
    const pixels = new Uint8Array(size * size * 4);
    const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        pixels.set((x - y + size) % size < stripe ? [...rgb, 255] : veil, (y * size + x) * 4);
      }
    }
    return { width: size, height: size, data: pixels };
  }

  /* Our sources and layers on the main map, under the place markers (added once per map style). */
  function ensureLayers(map) {
    if (map.getSource(CHANGES())) return;
    for (const f of data.factions) {
      if (!map.hasImage(`hatch-${f.id}`)) map.addImage(`hatch-${f.id}`, hatch(f.colour));
    }
    const { casing, line, highlight } = data.style;
    const colour = ["match", ["get", "holder"], ...data.factions.flatMap((f) => [f.id, f.colour]), C().defaultColour];
    // under map.js's place halos and marker colours if they are on the map, else under Plotly's places
    const places = map.getStyle().layers.find((l) => l.id.startsWith(C().layers.plotlyPrefix));
    const before = map.getLayer(C().layers.halo) ? C().layers.halo : places && places.id;
    map.addSource(CHANGES(), { type: "geojson", data: EMPTY });
    map.addSource(HIGHLIGHT(), { type: "geojson", data: EMPTY });
    const layer = (id, type, source, paint) => map.addLayer({ id, type, source, paint }, before);
    layer(`${CHANGES()}-fill`, "fill", CHANGES(), { "fill-pattern": ["concat", "hatch-", ["get", "holder"]] });
    layer(`${CHANGES()}-casing`, "line", CHANGES(), { "line-color": casing.colour, "line-width": casing.width });
    layer(`${CHANGES()}-line`, "line", CHANGES(), { "line-color": colour, "line-width": line.width });
    const ring = ({ colour: color, width }) => ({
      "circle-radius": highlight.radius,
      "circle-opacity": 0,
      "circle-stroke-color": color,
      "circle-stroke-width": width,
    });
    layer(`${HIGHLIGHT()}-halo`, "circle", HIGHLIGHT(), ring(highlight.halo));
    layer(HIGHLIGHT(), "circle", HIGHLIGHT(), ring(highlight.ring));
  }

  const panel = () => document.getElementById(ID().CHANGES_PANEL);

  let changesToken = 0;
  let shownKey = null;
  async function drawChanges(key) {
    const token = ++changesToken;
    if (key !== shownKey) unpick(); // another pair: its list may not hold the picked place
    shownKey = key;
    const ready = await mapReady(MAP(), () => token !== changesToken);
    if (!ready || (!key && !ready.map.getSource(CHANGES()))) return;
    ensureLayers(ready.map);
    const entry = key && (data.changes[key] || data.changes[data.same[key]]);
    ready.map.getSource(CHANGES()).setData(entry ? entry.ground : EMPTY);
    if (!panel().dataset.highlight) ready.map.getSource(HIGHLIGHT()).setData(EMPTY);
    await drawn(ready.map);
    if (token === changesToken) panel().dataset.drawn = key || "";
  }

  function unpick() {
    delete panel().dataset.highlight;
    for (const row of document.querySelectorAll(`#${ID().CHANGES_LIST} li.picked`)) row.classList.remove("picked");
  }

  async function highlight(place) {
    const ready = await mapReady(MAP(), () => false);
    const { lon, lat } = data.places[place];
    ensureLayers(ready.map);
    ready.map.getSource(HIGHLIGHT()).setData({ type: "Point", coordinates: [lon, lat] });
    ready.map.jumpTo({ center: [lon, lat], zoom: Math.max(ready.map.getZoom(), 8) }, asUser);
    for (const row of document.querySelectorAll(`#${ID().CHANGES_LIST} li[data-place]`)) {
      row.classList.toggle("picked", row.dataset.place === place);
    }
    await drawn(ready.map);
    panel().dataset.highlight = place;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(`#${ID().CHANGES_LIST} button[data-place]`);
    if (button && data) highlight(button.dataset.place);
  });

  const linked = new WeakSet();
  /* Each map follows the other's camera; `b` starts where `a` is. */
  function link(a, b) {
    if (linked.has(b)) return;
    linked.add(b);
    let busy = false;
    const follow = (from, to) =>
      from.on("move", () => {
        if (busy) return;
        busy = true;
        to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing() }, asUser);
        busy = false;
      });
    follow(a, b);
    follow(b, a);
    b.jumpTo({ center: a.getCenter(), zoom: a.getZoom(), bearing: a.getBearing() }, asUser);
  }

  let compareToken = 0;
  async function drawCompare(other) {
    const token = ++compareToken;
    const stale = () => token !== compareToken;
    const [main, second] = [await mapReady(MAP(), stale), await mapReady(COMPARE(), stale)];
    if (!main || !second) return;
    const url = data.downloads.zones.replace("{date}", data.dates[other]);
    if (second.gd.data[0].geojson !== url) await window.Plotly.restyle(second.gd, { geojson: [url] }, [0]);
    link(main.map, second.map);
    await drawn(second.map);
    if (!stale()) document.getElementById(ID().COMPARE).dataset.compareDate = data.dates[other];
  }

  /* ------------------------------------------------------------ tables */

  function governorateTable(index) {
    const regions = data.regions[index];
    const held = data.factions.filter((f) => regions.some((r) => r.shares.some((s) => s.faction === f.id)));
    const head = h("Tr", {}, [
      h("Th", {}, word("analytics.governorate")),
      h("Th", { className: "num" }, word("analytics.km2_axis")),
      ...held.map((f) => h("Th", { className: "num" }, named(f.id))),
    ]);
    const rows = regions.map((region, i) =>
      h("Tr", { className: i === regions.length - 1 ? "total" : "" }, [
        h("Td", {}, region.name),
        h("Td", { className: "num" }, number(region.km2)),
        ...held.map((f) => {
          const share = region.shares.find((s) => s.faction === f.id);
          if (!share) return h("Td", { className: "num quiet" }, "–");
          const bar = h("Span", { className: "bar", style: { width: `${share.percent}%`, backgroundColor: f.colour } });
          const claimed = share.claimedKm2 >= 0.5 ? word("analytics.claimed_of_it", { area: km2(share.claimedKm2) }) : "";
          const title = word("analytics.cell_title", { faction: f.label, area: km2(share.km2), claimed });
          return h("Td", { className: "num", title }, [
            share.percent < 0.05
              ? word("analytics.under_tenth")
              : word("number.percent", { value: share.percent.toFixed(1) }),
            h("Small", {}, km2(share.km2)),
            bar,
          ]);
        }),
      ])
    );
    return h("Table", { className: "regions" }, [h("Thead", {}, head), h("Tbody", {}, rows)]);
  }

  /* One item per place: name and date, confidence and source; then the change of hands. */
  function changeList(entry) {
    const items = entry.places.map(({ place, date, previous, holder, confidence, source }) => {
      const { name, other } = data.places[place];
      const otherLang = data.lang === "ar" ? "en" : "ar";
      const { title, url } = data.sources[source];
      return h("Li", { "data-place": place }, [
        h("Div", { className: "change-head" }, [
          h("Button", { className: "place-link", "data-place": place, title: word("changes.show_on_map") }, name),
          h("Span", { className: otherLang, lang: otherLang, dir: otherLang === "ar" ? "rtl" : "ltr" }, other),
          h("Span", { className: "change-meta" }, [
            `${shortDate(data.dates[date])} · `,
            h("Span", { className: `confidence ${confidence}` }, word(`panel.confidence_${confidence}`)),
            " · ",
            url ? h("A", { href: url, title, target: "_blank", rel: "noopener" }, title.split(":")[0]) : title,
          ]),
        ]),
        h("Div", { className: "change-holders" }, [...named(previous), data.lang === "ar" ? " ← " : " → ", ...named(holder)]),
      ]);
    });
    return h("Ol", { className: "change-list" }, items);
  }

  function changeSummary(entry) {
    const ground = entry.ground.features.map(({ properties: p }) =>
      h("Li", {}, [...named(p.holder), word("changes.gained", { area: km2(p.area_km2) }), ...named(p.previous)])
    );
    const listed = entry.places.length;
    const count =
      entry.count > listed
        ? word("changes.count_listed", { count: number(entry.count), listed })
        : word(entry.count === 1 ? "changes.count_one" : "changes.count_many", { count: number(entry.count) });
    return [h("Ul", { className: "gains" }, ground), h("P", {}, count)];
  }

  /* ------------------------------------------------------------ the section under the map */

  /* The slider's date in the section under the map: the charts' mark, the governorate table, the links. */
  function showSection(index) {
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
    set(ID().GOVERNORATE_TABLE, { children: governorateTable(index) });
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

  /* Plotly's own click event on each chart, not Dash's clickData: that reaches a callback only after Dash's queue
   * (the charts' mark and the table from the last step, ~0.9 s on a slow machine). Listening starts on the first
   * press in a chart, so a chart Plotly draws (or redraws as a new element) later is covered too; the press comes
   * before Plotly's click, which it fires on release. assets/scrub.js's goTo draws the date, then tells Dash. */
  function listenForDates(event) {
    const chart = event.target.closest && event.target.closest(`#${ID().AREA_CHART}, #${ID().POPULATION_CHART}`);
    const gd = chart && chart.querySelector(".js-plotly-plot");
    if (!gd || !gd.on || gd.dataset.picksDates) return;
    gd.dataset.picksDates = "true";
    gd.on("plotly_click", (click) => {
      const point = click.points && click.points[0];
      const index = point && point.customdata && point.customdata[0];
      if (Number.isInteger(index)) window.dashboardScrub.goTo(index);
    });
  }
  document.addEventListener("pointerdown", listenForDates, true);

  /* ------------------------------------------------------------ callbacks */

  // What the changes panel and the second map show: unchanged outputs are not sent again.
  let changesShown = null;
  let compareShown;

  const dashboardAnalytics = {
    async section(index, url) {
      await load(url);
      if (!validIndex(index)) return;
      sectionIndex = index;
      watchSection();
      updateSection();
    },

    async changes(index, mode, since, sideOptions, url) {
      await load(url);
      const pair = pairOf(index, mode, since);
      const key = pair && pair[0] !== pair[1] ? `${pair[0]}-${pair[1]}` : null;
      const shown = `${mode} ${pair ? pair.slice(0, 2) : ""}`;
      if (shown === changesShown) return Array(6).fill(noUpdate()); // playing with the mode off, say
      changesShown = shown;
      drawChanges(key);
      const options = sideOptions.map((o) => Object.assign({}, o, { disabled: !pair }));
      if (!pair) return [true, "", [], [], mode !== "date", options];
      const [a, b] = pair;
      if (!key) {
        const title = word("changes.none_title", { date: data.labels[a] });
        return [false, title, [h("P", {}, word("changes.none_hint"))], [], mode !== "date", options];
      }
      const entry = data.changes[key] || data.changes[data.same[key]];
      const title = word("changes.title", { first: shortDate(data.dates[a]), last: data.labels[b] });
      return [false, title, changeSummary(entry), changeList(entry), mode !== "date", options];
    },

    async compare(index, mode, since, side, figure, url) {
      await load(url);
      const pair = pairOf(index, mode, since);
      const other = pair && (side || []).includes("on") ? pair[2] : null;
      if (other === null) {
        compareToken++;
      } else {
        drawCompare(other); // also when the figure arrives
      }
      if (other === compareShown) return [noUpdate(), noUpdate()];
      compareShown = other;
      if (other === null) return [true, ""];
      return [false, [h("Small", {}, word("changes.compared_with")), h("Br"), data.labels[other]]];
    },
  };

  window.dash_clientside = Object.assign({}, window.dash_clientside, { dashboardAnalytics });
})();
