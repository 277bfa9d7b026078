// World map: countries shaded by event count, points sized by count at the centroids of a
// geo grid, zoom and pan, click a country to filter on it. The countries come from
// /world.json (Natural Earth via world-atlas, built into the binary): no tiles, no network.
import type { AggResult } from '../api';
import type { Panel } from '../dashboard_model';
import { displayValue, formatCount, formatExact } from '../format';
import { createChart, echarts, kTooltip, themeColors } from './echarts_setup';
import type { AggRequest, PanelView, RenderContext } from './panel_view';

// Every country has a row in the shading: there are about 250.
const kCountryBuckets = 250;
// Grid cells at zoom 3 are about 5° wide: distinct at world scale, few enough to draw.
const kGridPrecision = 3;
const kGridCells = 2000;

let worldLoad: Promise<Map<string, string>> | undefined;

// Registers the map once; resolves to code → Natural Earth name, for tooltips.
export function loadWorld(): Promise<Map<string, string>> {
  worldLoad ??= fetch('/world.json', { credentials: 'same-origin' })
    .then((r) => {
      if (!r.ok) throw new Error(`world map: ${r.status}`);
      return r.json();
    })
    .then((geo: { features: { properties: { name: string; label: string } }[] }) => {
      echarts.registerMap('world', geo as never);
      return new Map(geo.features.map((f) => [f.properties.name, f.properties.label]));
    });
  return worldLoad;
}

export function mapAggs(panel: Panel, known: (field: string) => boolean): AggRequest {
  const aggs: AggRequest = {};
  if (panel.country_field && known(panel.country_field)) {
    const countries: Record<string, unknown> = {
      terms: { field: panel.country_field, size: kCountryBuckets },
    };
    if (panel.country_name_field && known(panel.country_name_field)) {
      countries.aggs = { name: { terms: { field: panel.country_name_field, size: 1 } } };
    }
    aggs[`${panel.id}_countries`] = countries;
  }
  if (panel.location_field && known(panel.location_field)) {
    aggs[`${panel.id}_grid`] = {
      geo_grid: { field: panel.location_field, precision: kGridPrecision, size: kGridCells },
    };
  }
  return aggs;
}

export class MapPanel implements PanelView {
  private chart: echarts.ECharts | undefined;
  private dark = false;
  private names = new Map<string, string>();
  private pending: RenderContext | undefined;

  constructor(private readonly panel: Panel, private readonly body: HTMLElement) {
    loadWorld().then(
      (names) => {
        this.names = names;
        if (this.pending) this.update(this.pending);
      },
      (err: Error) => {
        this.body.textContent = `${err.message}: the map is unavailable`;
      },
    );
  }

  update(ctx: RenderContext): void {
    if (this.names.size === 0) {
      this.pending = ctx;
      return;
    }
    if (!this.chart || this.dark !== ctx.dark) {
      this.chart?.dispose();
      this.dark = ctx.dark;
      this.chart = createChart(this.body, ctx.dark);
      this.chart.on('click', (p: unknown) => {
        const params = p as { componentType: string; seriesType?: string; name?: string };
        const isCountry = params.componentType === 'geo' || params.seriesType === 'map';
        if (isCountry && params.name && this.panel.country_field && /^[A-Z]{2}$/.test(params.name)) {
          ctx.addFilter(this.panel.country_field, params.name);
        }
      });
    }
    const colors = themeColors(ctx.dark);
    const aggs = ctx.response.aggregations ?? {};
    const countries = (aggs[`${this.panel.id}_countries`] as AggResult | undefined)?.buckets ?? [];
    const labels = new Map(this.names);
    const shaded = countries.map((b) => {
      const code = displayValue(b.key).toUpperCase();
      const name = (b.name as AggResult | undefined)?.buckets?.[0]?.key;
      if (name) labels.set(code, String(name));
      return { name: code, value: b.doc_count };
    });
    const grid = (aggs[`${this.panel.id}_grid`] as AggResult | undefined)?.buckets ?? [];
    const points = grid
      .map((b) => {
        const at = b.centroid ?? b.location;
        return at ? { value: [at.lon, at.lat, b.doc_count] } : undefined;
      })
      .filter((p) => p !== undefined);
    const maxCount = Math.max(1, ...shaded.map((s) => s.value));
    const maxPoint = Math.max(1, ...points.map((p) => p!.value[2]));
    this.chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      tooltip: {
        ...kTooltip,
        trigger: 'item',
        formatter: (p: { seriesType?: string; name: string; value: unknown }) => {
          if (p.seriesType === 'scatter') {
            const v = p.value as number[];
            return `${formatExact(v[2])} events near ${v[1].toFixed(1)}, ${v[0].toFixed(1)}`;
          }
          const n = typeof p.value === 'number' && Number.isFinite(p.value) ? p.value : 0;
          return `${labels.get(p.name) ?? p.name}: ${formatExact(n)} events`;
        },
      },
      geo: {
        map: 'world', roam: true, scaleLimit: { min: 1, max: 12 }, zoom: 1.15,
        itemStyle: { areaColor: colors.land, borderColor: colors.border },
        emphasis: { label: { show: false }, itemStyle: { areaColor: colors.high } },
        select: { disabled: true },
      },
      visualMap: {
        type: 'continuous', min: 0, max: maxCount, seriesIndex: 0, calculable: false,
        left: 8, bottom: 8, itemHeight: 80, text: [formatCount(maxCount), '0'],
        textStyle: { color: colors.text }, inRange: { color: [colors.low, colors.high] },
      },
      series: [
        { type: 'map', geoIndex: 0, data: shaded },
        {
          type: 'scatter', coordinateSystem: 'geo', data: points,
          symbolSize: (v: number[]) => 4 + 20 * Math.sqrt(v[2] / maxPoint),
          itemStyle: { color: colors.high, opacity: 0.7, borderColor: colors.text, borderWidth: 0.5 },
        },
      ],
    }, { notMerge: true });
  }

  resize(): void {
    this.chart?.resize();
  }

  dispose(): void {
    this.chart?.dispose();
  }
}
