/* The live map, part 3 of 3 (after map-data.js and map-layers.js): what the reader touches. The key's text, the
 * tooltip, the opening date and place, the address, the slider's keys and handle, and the clientside callbacks
 * Dash calls (namespace `dashboardMap`, registered in callbacks.py).
 */
(function () {
  "use strict";

  const C = window.dashboardConstants;
  const ID = C.ids;
  const M = (window.dashboardMapParts = window.dashboardMapParts || {});
  const S = M.state;

  /* The key beside the map: its date line and each faction's share on date `day`. */
  function writeKey(day) {
    const key = document.getElementById(ID.MAP_KEY);
    if (!key) return;
    key.querySelector(".as-of").textContent = M.data.asOf[day];
    for (const [faction, text] of Object.entries(M.data.legend[day])) {
      const row = key.querySelector(`li[data-faction="${faction}"]`);
      if (row) row.lastChild.textContent = text;
    }
  }

  /* ------------------------------------------------------------ hover */

  /* What is under the pointer on the date drawn: a place (name, Arabic name, holder), else a zone
   * (faction, area and share) and claimed ground. figures.py writes the same lines into the static figure.
   * Until MapLibre has drawn a date, the poster (assets/poster.js) says what is under the pointer. */
  const tip = {
    el: null,
    at: null, // the last pointer event on the map or the poster: {point (px from the map's top left), originalEvent}

    move(map, event) {
      tip.at = event;
      tip.refresh(map);
    },

    hide() {
      tip.at = null;
      if (tip.el) tip.el.hidden = true;
    },

    /* The properties of what layer `name` shows under `point` on the date drawn, with that date: zones topmost
     * first; places (as the poster picks them) within a finger's reach of their circle, the nearest centre first,
     * so that a click on a city's dot opens the city, not a larger dot a few px away (Hama and its airbase). */
    query(map, point) {
      if (S.shown !== null && map) {
        const day = S.shown;
        const at = (name) => {
          const layers = [M.layerId(day, name)];
          if (name !== C.layers.markers) return map.queryRenderedFeatures(point, { layers }).map((f) => f.properties);
          const r = C.reachPx;
          const near = map.queryRenderedFeatures([[point.x - r, point.y - r], [point.x + r, point.y + r]], { layers });
          const distance = (f) => map.project(f.geometry.coordinates).dist(point);
          return near.map((f) => [distance(f), f.properties]).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
        };
        return { day, at };
      }
      if (!S.posterDrawn) return null;
      const day = S.posterDrawn.day;
      return { day, at: (name) => window.dashboardPoster.featuresAt(point, M.layerId(day, name)) };
    },

    lines(map, point) {
      const drawn = tip.query(map, point);
      if (!drawn) return null;
      const [place] = drawn.at(C.layers.markers);
      if (place) return [place.title, M.data.factions[place[M.data.holderKeys[drawn.day]]].label];
      const [zone] = drawn.at(C.layers.zones);
      const [claimed] = drawn.at(C.layers.claimed);
      if (!zone) return null;
      const lines = [zone.title, zone.detail];
      if (claimed) lines.push(`${claimed.title} ${claimed.detail}`);
      return lines;
    },

    refresh(map) {
      const lines = tip.at ? tip.lines(map, tip.at.point) : null;
      if (!lines) {
        if (tip.el) tip.el.hidden = true;
        return;
      }
      if (!tip.el) {
        tip.el = document.createElement("div");
        tip.el.className = "map-tip";
        tip.el.setAttribute("role", "tooltip");
        document.body.appendChild(tip.el);
      }
      const [head, ...rest] = lines;
      const title = document.createElement("b");
      title.textContent = head;
      tip.el.replaceChildren(title, ...rest.flatMap((line) => [document.createElement("br"), line]));
      const { clientX, clientY } = tip.at.originalEvent;
      tip.el.style.left = `${clientX + 14}px`;
      tip.el.style.top = `${clientY + 14}px`;
      tip.el.hidden = false;
    },
  };

  /* The holder badge's text and style for place `id` on date `index`, as render/panel.py's `badge`. */
  function badgeOn(id, index) {
    const day = M.data.dates[index];
    const faction = M.data.factions[M.data.places[id].spells.findLast((s) => s.start <= day).holder];
    return [faction.label, { backgroundColor: faction.colour, color: faction.ink }];
  }

  /* A tree of render/panel.py (tag, props, children) as Dash html components, as its `to_dash` makes them. */
  const toDash = (node) =>
    typeof node === "string"
      ? node
      : {
          type: node.tag[0].toUpperCase() + node.tag.slice(1),
          namespace: "dash_html_components",
          props: { ...node.props, children: node.children.map(toDash) },
        };

  /* A click or tap on a place, on the poster or the map, opens its panel: the place picked as the tooltip picks it,
   * set here with no server round trip. A closed panel opens at once with the place's head (its names, kind and
   * governorate, from the map data) and its holder on the date drawn: on a slow phone the server's answer, with
   * the history and sources, waits behind plotly.js and MapLibre's set-up for seconds. */
  function openPlaceAt(map, point) {
    const drawn = tip.query(map, point);
    const [place] = drawn ? drawn.at(C.layers.markers) : [];
    if (!place) return;
    const set = window.dash_clientside.set_props;
    const panel = document.getElementById(ID.PANEL);
    if (panel && panel.hidden) {
      const [label, style] = badgeOn(place.id, drawn.day);
      set(ID.PANEL_HEAD, { children: M.data.heads[place.id].map(toDash) });
      set(ID.PANEL_HOLDER, { children: label, style });
      set(ID.PANEL_BODY, { children: M.data.panelLoading.map(toDash) });
      set(ID.PANEL, { hidden: false });
    }
    set(ID.PLACE, { data: place.id });
  }

  /* The poster's pointer events (assets/poster.js), until the map is drawn: the tooltip and taps as on the map. */
  function posterEvent(event) {
    const box = event.currentTarget.getBoundingClientRect();
    return { point: { x: event.clientX - box.left, y: event.clientY - box.top }, originalEvent: event };
  }
  const posterListeners = {
    mousemove(event) {
      tip.move(null, posterEvent(event));
      const drawn = tip.query(null, tip.at.point);
      event.currentTarget.style.cursor = drawn && drawn.at(C.layers.markers).length ? "pointer" : "";
    },
    mouseleave: () => tip.hide(),
    click: (event) => openPlaceAt(null, posterEvent(event).point),
  };

  function listen(map) {
    // On a touch screen one finger scrolls the page and two move the map (MapLibre's cooperative gestures).
    if (window.matchMedia("(pointer: coarse)").matches) map.cooperativeGestures.enable();
    map.on("click", (event) => openPlaceAt(map, event.point));
    map.on("mousemove", (event) => tip.move(map, event));
    map.on("mouseout", tip.hide);
    map.on("movestart", tip.hide);
  }

  /* The date the page opens on, as soon as the page is there (its shell, else Dash's layout; Dash's callbacks, which
   * set the slider from the address, wait on a server round trip, by which time plotly.js may take the main
   * thread): the address's date if it is one of ours, else the date the layout's label shows. null for a date the
   * server must clamp: showDate draws that one. A place given by its id is focused at once; by name, once jumpTo
   * has it from the server. */
  function openingIndex() {
    const asked = new URLSearchParams(window.location.search).get("date");
    if (asked !== null) return M.data.dates.includes(asked) ? M.data.dates.indexOf(asked) : null;
    const label = document.getElementById(ID.DATE_LABEL);
    const index = label ? M.data.labels.indexOf(label.textContent) : -1;
    return index >= 0 ? index : null;
  }

  /* The page shell (dashboard/shell.py) goes once React has drawn the page, and the poster drawn on it moves into
   * React's map box, the same box (the canvas keeps its pixels), with the key and the date written for its date. */
  const shell = document.getElementById(ID.PAGE_SHELL);
  if (shell) {
    const handOver = new MutationObserver(() => {
      const box = document.getElementById(ID.MAP_BOX); // React's, once there: its entry point comes first
      if (!box || shell.contains(box)) return;
      handOver.disconnect();
      shell.remove();
      window.dashboardPoster.follow();
      if (!S.posterDrawn) return;
      M.writeKey(S.posterDrawn.day);
      window.dash_clientside.set_props(ID.DATE_LABEL, { children: M.data.labels[S.posterDrawn.day] });
    });
    handOver.observe(document.body, { childList: true, subtree: true });
  }

  const preload = document.getElementById(ID.MAP_DATA);
  if (preload) {
    M.load(preload.href).then(() => {
      const early = new MutationObserver(drawOpening);
      function drawOpening() {
        // The page's scripts may still be arriving (assets/poster.js after this one): each new node is another try.
        if (!window.dashboardPoster || !document.getElementById(ID.MAP_BOX)) return;
        if (!document.getElementById(ID.DATE_LABEL)) return;
        early.disconnect();
        const index = openingIndex();
        if (index === null || S.wanted !== null) return;
        S.focus = M.data.places[new URLSearchParams(window.location.search).get("place")] || null;
        M.drawPoster(index);
        if (shell && shell.isConnected) document.getElementById(ID.DATE_LABEL).textContent = M.data.labels[index];
      }
      early.observe(document.body, { childList: true, subtree: true });
      drawOpening();
    });
  }

  /* Work a step need not wait for runs after the frame that draws it. */
  const afterFrame = (task) => requestAnimationFrame(() => setTimeout(task, 0));

  function validIndex(index) {
    return Number.isInteger(index) && M.data && index >= 0 && index < M.data.dates.length;
  }

  const noUpdate = () => window.dash_clientside.no_update;

  /* A value reaching Dash after assets/scrub.js has drawn a later one is not drawn again. */
  const superseded = (index) => Boolean(window.dashboardScrub) && window.dashboardScrub.superseded(index);

  const dashboardMap = {
    async showDate(index, url) {
      await M.load(url);
      if (!validIndex(index)) return noUpdate();
      if (!superseded(index)) M.show(index);
      return M.data.labels[index];
    },

    async holder(index, place, url) {
      await M.load(url);
      if (!place || !validIndex(index) || !(place in M.data.places)) return [noUpdate(), noUpdate()];
      return badgeOn(place, index);
    },

    async syncAddress(index, place, mode, since, url) {
      await M.load(url);
      if (!validIndex(index)) return;
      const params = new URLSearchParams({ date: M.data.dates[index] });
      const lang = new URLSearchParams(window.location.search).get("lang"); // the page's language stays asked for
      if (lang) params.set("lang", lang);
      if (place) params.set("place", place);
      if (mode === "day" || mode === "first") params.set("since", mode);
      else if (mode === "date" && M.data.dates.includes(since)) params.set("since", since);
      afterFrame(() => window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}`));
    },

    async jumpTo(place, url) {
      await M.load(url);
      const where = place && M.data.places[place];
      if (!where) return;
      S.focus = where;
      if (S.posterDrawn) M.drawPoster(S.wanted ?? S.posterDrawn.day);
      const map = M.mapOf(await M.graph());
      map.jumpTo({ center: [where.lon, where.lat], zoom: Math.max(map.getZoom(), M.data.focusZoom) }, M.asUser);
    },

    /* The ◀/▶ and play buttons are assets/scrub.js's; here a tick of play, which draws the next date at once
     * (scrub.js's goTo) and stops at the last one. */
    step(tick, max) {
      const { goTo, current, setPlaying } = window.dashboardScrub;
      if (current() >= max) {
        setPlaying(false);
        return [true, M.data.words.play];
      }
      goTo(current() + 1);
      return [noUpdate(), noUpdate()];
    },

    /* Play before the map data is loaded (after, assets/scrub.js takes the click): it steps at once (from the
     * first date again after the last), then on each tick. */
    togglePlay(clicks, stopped, max) {
      const { goTo, current, setPlaying } = window.dashboardScrub;
      setPlaying(stopped);
      if (!stopped) return [true, M.data.words.play];
      goTo(current() >= max ? 0 : current() + 1);
      return [false, M.data.words.pause];
    },

    speed(ms) {
      return ms;
    },
  };

  /* Keys assets/scrub.js leaves to the slider (Home, End, Page Up/Down) move its handle in the task of the key
   * press; Dash runs the callbacks the value triggers (showDate among them) later, with every other view's.
   * Following the handle draws the new date in the next frame; showDate covers the address. */
  new MutationObserver((records) => {
    for (const record of records) {
      const index = Number(record.target.getAttribute("aria-valuenow"));
      if (record.target.closest(`#${ID.SLIDER}`) && validIndex(index) && !superseded(index)) M.show(index);
    }
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });

  /* For assets/scrub.js, which takes every input that moves the date: draw date `index` now (the next frame
   * shows it), without Dash. A promise that settles once MapLibre has drawn it (or a later date was asked for);
   * false until the map data is loaded. */
  window.dashboardDraw = (index) => {
    if (!validIndex(index)) return false;
    return M.show(index);
  };

  /* Arrow keys step and space plays anywhere on the page, except where they already mean something. An arrow
   * clicks the step button on its side: → the previous day where the slider is mirrored (right to left). */
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest("input, textarea, select, [role=slider], [role=combobox], .dash-dropdown")) return;
    const [left, right] = window.dashboardScrub.mirrored() ? [ID.NEXT, ID.PREV] : [ID.PREV, ID.NEXT];
    const button = { ArrowLeft: left, ArrowRight: right, " ": ID.PLAY }[event.key];
    if (!button || (event.key === " " && target.closest("button"))) return;
    event.preventDefault();
    document.getElementById(button).click();
  });

  /* The language switch keeps what the address says (date, place, changes since) and changes only `lang`. */
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(`#${ID.LANG_SWITCH} a[data-lang]`);
    if (!link) return;
    event.preventDefault();
    const params = new URLSearchParams(window.location.search);
    params.set("lang", link.dataset.lang);
    window.location.assign(`${window.location.pathname}?${params}`);
  });

  Object.assign(M, { writeKey, tip, listen, posterListeners });
  window.dash_clientside = Object.assign({}, window.dash_clientside, { dashboardMap });
})();
