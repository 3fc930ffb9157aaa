/* The /embed page (embed.py) and the app's "Embed / share" panel.
 *
 * Dash serves every file in assets/ to the app too: the embed part runs only on a page whose body has
 * data-embed. There it draws the replay figure bare (no title, legend, notes or slider of its own; every other
 * date a frame, fetched once the first is drawn), drives it from the page's ◀ / Play / ▶ buttons, range input and
 * keys (← → space), keeps the date, the key, the text alternative, a live region and the place's holder in step
 * with the date drawn, sets #map[data-map-date] once a date is drawn, veils the map on touch screens until tapped,
 * and posts the page's height to the parent page, in the manner of Datawrapper's responsive embeds:
 * parent.postMessage({"syria-map-height": <px>}, "*").
 */
(function () {
  "use strict";

  const C = window.dashboardConstants; // names shared with Python (assets/constants.js)
  const ID = C.ids;

  /* The app's address keeps the "changes since" view too (`since`); /embed draws no changes, so its address does not. */
  function shareLinks(index, place, mode, since, data) {
    const noUpdate = window.dash_clientside.no_update;
    if (!data || !Number.isInteger(index) || index < 0 || index >= data.dates.length) {
      return [noUpdate, noUpdate, ...C.downloads.formats.map(() => noUpdate)];
    }
    const params = new URLSearchParams({ date: data.dates[index], ...data.params });
    if (place) params.set("place", place);
    const origin = window.location.origin;
    const embed = `${origin}/embed?${params}`;
    const escape = (text) =>
      text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const snippet =
      `<figure lang="${data.lang}" dir="${data.dir}" style="margin:0">\n<iframe src="${escape(embed)}" title="${escape(data.titles[index])}" ` +
      `style="width:100%;height:720px;border:0" loading="lazy"></iframe>\n` +
      `<figcaption>${escape(data.alts[index])}</figcaption>\n</figure>\n` +
      `<script>window.addEventListener("message",function(e){var h=e.data&&e.data["${data.message}"];` +
      `if(!h)return;document.querySelectorAll("iframe").forEach(function(f){` +
      `if(f.contentWindow===e.source)f.style.height=h+"px";});});</script>`;
    const downloads = C.downloads.formats.map((fmt) => `${C.downloads.export}${fmt}?${params}`);
    const view = new URLSearchParams(params);
    if (mode === "day" || mode === "first") view.set("since", mode);
    else if (mode === "date" && data.dates.includes(since)) view.set("since", since);
    return [`${origin}/?${view}`, snippet, ...downloads];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    dashboardEmbed: { share: shareLinks },
  });

  if (!document.body || !document.body.hasAttribute("data-embed")) return;

  const data = JSON.parse(document.getElementById(ID.EMBED_DATA).textContent);
  const byId = (id) => document.getElementById(id);
  const gd = byId(ID.MAP);
  const alt = byId(ID.EMBED_ALT);
  const badge = byId(ID.EMBED_HOLDER);
  const range = byId(ID.SLIDER);
  const play = byId(ID.PLAY);
  const veil = byId(ID.EMBED_VEIL);
  const last = data.dates.length - 1;

  function postHeight() {
    if (window.parent !== window) {
      window.parent.postMessage({ [data.message]: document.documentElement.scrollHeight }, "*");
    }
  }

  /* Plotly's geo text has no collision test (MapLibre's labels and the poster's have): a name that would overlap one
   * already kept is hidden, as MapLibre does. What is drawn on top comes first (the focused place's bold name, then
   * the places in their order), so the scale bar's label, drawn first, gives way last. Run after every plot. */
  function declutter() {
    const kept = [];
    for (const trace of [...gd.querySelectorAll("g.trace.scattergeo")].reverse()) {
      for (const label of trace.querySelectorAll("text")) {
        label.style.display = "";
        const box = label.getBoundingClientRect();
        if (!box.width) continue;
        const overlaps = kept.some((b) => box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom);
        if (overlaps) label.style.display = "none";
        else kept.push(box);
      }
    }
  }

  /* Everything around the map follows the date it has drawn. */
  function shown() {
    const day = gd.layout.meta.date;
    const index = data.dates.indexOf(day);
    alt.textContent = data.alts[day];
    byId(ID.DATE_LABEL).textContent = data.labels[index];
    if (range) {
      range.value = String(index);
      range.setAttribute("aria-valuetext", data.labels[index]);
    }
    const texts = data.keys[day];
    document.querySelectorAll(`#${ID.MAP_KEY} li`).forEach((li, i) => (li.lastChild.textContent = texts[i]));
    const holder = data.holders[day];
    if (badge && holder) {
      badge.textContent = holder.label;
      badge.style.background = holder.colour;
      badge.style.color = holder.ink;
    }
    const live = byId(ID.ANNOUNCE);
    if (live && drawnOnce) live.textContent = `${data.labels[index]}. ${texts.join("; ")}.`;
    drawnOnce = true;
    gd.dataset.mapDate = day;
    postHeight();
    if (playing) timer = setTimeout(() => (current() >= last ? stop() : goTo(current() + 1)), C.frameMs);
  }
  let drawnOnce = false;

  /* The other dates' drawings come apart from the page (data.frames), once the first is drawn; a date asked for
   * before they arrive is drawn when they do. */
  let framesIn = false;
  let wanted = null;
  const current = () => wanted ?? data.dates.indexOf(gd.layout.meta.date);

  /* Draw date `index` (a frame of the figure); `shown` follows once it is drawn. */
  function goTo(index) {
    if (!Number.isInteger(index) || index < 0 || index > last) return;
    if (!framesIn) {
      wanted = index;
      return;
    }
    Plotly.animate(gd, [data.dates[index]], {
      mode: "immediate",
      frame: { duration: 0, redraw: true },
      transition: { duration: 0 },
    });
  }

  let playing = false;
  let timer = null;
  function stop() {
    playing = false;
    clearTimeout(timer);
    if (play) play.textContent = data.words.play;
  }
  function start() {
    playing = true;
    if (play) play.textContent = data.words.pause;
    goTo(current() >= last ? 0 : current() + 1);
  }
  const toggle = () => (playing ? stop() : start());
  const step = (delta) => {
    stop();
    goTo(Math.min(Math.max(current() + delta, 0), last));
  };

  function listen() {
    if (range) {
      range.addEventListener("input", () => {
        stop();
        goTo(Number(range.value));
      });
      byId(ID.PREV).addEventListener("click", () => step(-1));
      byId(ID.NEXT).addEventListener("click", () => step(1));
      play.addEventListener("click", toggle);
      /* ← and → step and space plays anywhere but in a control that has its own use for them. An arrow steps
       * towards its end of the range: right to left (embed.py's dir; the browser mirrors the range input and its
       * own keys), → is the earlier date. */
      document.addEventListener("keydown", (event) => {
        if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea, select")) return;
        if (event.key === " " && event.target.closest("button, a, summary")) return;
        const right = getComputedStyle(range).direction === "rtl" ? -1 : 1;
        const act = { ArrowLeft: () => step(-right), ArrowRight: () => step(right), " ": toggle }[event.key];
        if (!act) return;
        event.preventDefault();
        act();
      });
    }
    /* On a touch screen the map takes no gesture until tapped, so that a finger on it scrolls the article. */
    if (veil && window.matchMedia("(pointer: coarse)").matches) {
      veil.hidden = false;
      veil.addEventListener("click", () => (veil.hidden = true));
      document.addEventListener("touchstart", (event) => {
        if (!event.target.closest(".frame")) veil.hidden = false;
      });
    }
  }

  /* The bare map: its title, key, notes and controls are the page's own elements (embed.py). */
  const fig = data.figure;
  const layout = Object.assign({}, fig.layout, {
    title: { text: "" },
    showlegend: false,
    annotations: [],
    margin: { l: 0, r: 0, t: 0, b: 0 },
  });
  const config = { responsive: true, displaylogo: false, scrollZoom: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  Plotly.newPlot(gd, fig.data, layout, config)
    .then(() => {
      for (const button of gd.querySelectorAll(".modebar-btn")) button.setAttribute("tabindex", "-1");
      gd.on("plotly_animated", shown);
      gd.on("plotly_afterplot", declutter);
      declutter();
      listen();
      shown();
      if (data.play) start();
      return fetch(data.frames);
    })
    .then((response) => {
      if (!response.ok) throw new Error(`${data.frames}: ${response.status}`);
      return response.json();
    })
    .then((frames) => {
      const bare = frames.map((frame) => Object.assign({}, frame, { layout: { meta: frame.layout.meta } }));
      return Plotly.addFrames(gd, bare);
    })
    .then(() => {
      framesIn = true;
      if (wanted !== null) {
        const index = wanted;
        wanted = null;
        goTo(index);
      }
    });
  new ResizeObserver(postHeight).observe(document.body);
})();
