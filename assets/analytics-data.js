/* Territory analytics, part 1 of 3 (then analytics-maps.js, analytics.js): the data, and what the section under the
 * map says.
 *
 * Every date's and every date pair's figures arrive once (dashboard/analytics.py `browser_data`, a
 * content-hashed JSON URL cached for good). This part loads them and writes them as Dash components: the
 * governorate table, and the summary and list of the places that changed hands between two dates. The three parts
 * share `window.dashboardAnalyticsParts` (A): the data once loaded (`A.data`) and the helpers below.
 */
(function () {
  "use strict";

  const A = (window.dashboardAnalyticsParts = window.dashboardAnalyticsParts || {});
  A.data = A.data || null;
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
          A.data = d;
        });
    }
    return loading;
  }

  const number = (v) => Math.round(v).toLocaleString("en-GB"); // Western digits in every language (text.py)
  const shortDate = (iso) => A.data.shortLabels[A.data.dates.indexOf(iso)];
  /* The catalogue's entry `key` in the page's language (the payload's `words`), its {fields} filled in. */
  const word = (key, fields = {}) => A.data.words[key].replace(/\{(\w+)\}/g, (_, name) => fields[name]);
  const km2 = (v) => word("number.km2", { value: number(v) });

  /* A Dash html component, as a clientside callback returns it. */
  function h(type, props, children) {
    const all = Object.assign({}, props);
    if (children !== undefined) all.children = children;
    return { type, namespace: "dash_html_components", props: all };
  }
  const dot = (id) => h("Span", { className: "dot", style: { backgroundColor: A.data.faction[id].colour } });
  const named = (id) => [dot(id), A.data.faction[id].label];

  /* ------------------------------------------------------------ tables */

  function governorateTable(index) {
    const data = A.data;
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
    const data = A.data;
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

  Object.assign(A, { load, shortDate, word, h, governorateTable, changeList, changeSummary });
})();
