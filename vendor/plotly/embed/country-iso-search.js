/* Stands in for the country-iso-search package: it resolves `locationmode: "country names"`, which the embed's
 * figures never use (their choropleths name features of their own GeoJSON), and is a twentieth of the bundle. */
module.exports = { COUNTRIES: [], createLookup: () => ({ lookupAlpha3: () => undefined }) };
