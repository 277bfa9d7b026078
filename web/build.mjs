// Builds the dashboard into dist/: index.html, app.css, app.js (TypeScript bundled by esbuild,
// ECharts included) and world.json (the Natural Earth countries of world-atlas as GeoJSON, each
// feature named by its ISO 3166-1 alpha-2 code so events' country codes find their shape).
// Everything is served from the binary: nothing may be fetched from another origin.
// Usage: node build.mjs [--outdir DIR]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--outdir');
const outdir = outFlag > 0 ? process.argv[outFlag + 1] : join(here, 'dist');
mkdirSync(outdir, { recursive: true });

await esbuild.build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  outfile: join(outdir, 'app.js'),
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const name of ['index.html', 'app.css', 'favicon.svg']) {
  copyFileSync(join(here, 'src', name), join(outdir, name));
}

// 110m: the coarsest Natural Earth scale, about 100 KB as GeoJSON — enough for a world view.
const countries = require('world-atlas/countries-110m.json');
const iso = require('i18n-iso-countries');
const geo = feature(countries, countries.objects.countries);
// Antarctica: no scanners there, and on a flat projection it is a band across the bottom.
geo.features = geo.features.filter((f) => f.id !== '010');
// Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180 and would be drawn
// as a stripe across the whole map: keep such a ring on one side by shifting its far points.
function unwrapRing(ring) {
  const lons = ring.map((p) => p[0]);
  if (Math.max(...lons) - Math.min(...lons) <= 270) return ring;
  const east = lons.filter((l) => l > 0).length >= lons.length / 2;
  return ring.map(([lon, lat]) => [east && lon < 0 ? lon + 360 : !east && lon > 0 ? lon - 360 : lon, lat]);
}
for (const f of geo.features) {
  const g = f.geometry;
  if (g?.type === 'Polygon') g.coordinates = g.coordinates.map(unwrapRing);
  if (g?.type === 'MultiPolygon') g.coordinates = g.coordinates.map((poly) => poly.map(unwrapRing));
}
for (const f of geo.features) {
  // Kosovo and Northern Cyprus have no ISO numeric code; keep their Natural Earth name.
  const alpha2 = f.id !== undefined ? iso.numericToAlpha2(String(f.id)) : undefined;
  f.properties = { name: alpha2 ?? f.properties.name, label: f.properties.name };
  delete f.id;
}
// Two decimals (about 1 km) is finer than the 110m scale itself: a third of the bytes.
const round = (_key, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v);
writeFileSync(join(outdir, 'world.json'), JSON.stringify(geo, round));
console.log(`dashboard built in ${outdir}`);
