/* The /embed page (embed.py) and the app's "Embed / share" panel.
 *
 * Dash serves every file in assets/ to the app too: the embed part runs only on a page whose body has
 * data-embed. There it draws the replay figure (every date a frame, Plotly's own slider and play button),
 * keeps the text alternative and the place's holder in step with the date, sets #map[data-map-date] once a date
 * is drawn, and posts the page's height to the parent page, in the manner of Datawrapper's responsive embeds:
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
    const params = new URLSearchParams({ date: data.dates[index] });
    if (place) params.set("place", place);
    const origin = window.location.origin;
    const embed = `${origin}/embed?${params}`;
    const escape = (text) =>
      text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const snippet =
      `<figure style="margin:0">\n<iframe src="${escape(embed)}" title="${escape(data.titles[index])}" ` +
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
  const gd = document.getElementById(ID.MAP);
  const alt = document.getElementById(ID.EMBED_ALT);
  const badge = document.getElementById(ID.EMBED_HOLDER);

  function postHeight() {
    if (window.parent !== window) {
      window.parent.postMessage({ [data.message]: document.documentElement.scrollHeight }, "*");
    }
  }

  function shown() {
    const day = gd.layout.meta.date;
    alt.textContent = data.alts[day];
    const holder = data.holders[day];
    if (badge && holder) {
      badge.textContent = holder.label;
      badge.style.background = holder.colour;
      badge.style.color = holder.ink;
    }
    gd.dataset.mapDate = day;
    postHeight();
  }

  /* A narrow frame gets a smaller legend, so that it keeps to its column beside the map. */
  const legendSize = () => (gd.clientWidth < 560 ? 9 : gd.clientWidth < 820 ? 11 : 13);
  const fig = data.figure;
  if (fig.layout.legend) fig.layout.legend.font = Object.assign({}, fig.layout.legend.font, { size: legendSize() });
  window.addEventListener("resize", () => {
    if (gd.layout && gd.layout.legend && gd.layout.legend.font.size !== legendSize()) {
      Plotly.relayout(gd, { "legend.font.size": legendSize() });
    }
  });
  const config = { responsive: true, displaylogo: false, scrollZoom: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  Plotly.newPlot(gd, fig.data, fig.layout, config)
    .then(() => Plotly.addFrames(gd, fig.frames))
    .then(() => {
      gd.on("plotly_animated", shown);
      shown();
      if (data.play) {
        Plotly.animate(gd, null, { mode: "immediate", frame: { duration: C.frameMs, redraw: true }, transition: { duration: 0 } });
      }
    });
  new ResizeObserver(postHeight).observe(document.body);
})();
