// The parts of ECharts the dashboard uses, registered once (tree-shaken: about a third of the
// full library). Tooltips render as rich text on the canvas: HTML tooltips would carry inline
// style attributes, which the server's Content-Security-Policy refuses.
import * as echarts from 'echarts/core';
import { BarChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent, GeoComponent, GridComponent, LegendComponent, ToolboxComponent,
  TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, MapChart, PieChart, ScatterChart, BrushComponent, GeoComponent, GridComponent,
  LegendComponent, ToolboxComponent, TooltipComponent, VisualMapComponent, CanvasRenderer,
]);

export { echarts };

export function createChart(container: HTMLElement, dark: boolean): echarts.ECharts {
  return echarts.init(container, dark ? 'dark' : undefined, { renderer: 'canvas' });
}

export const kTooltip = { renderMode: 'richText' as const, confine: true };

export function themeColors(dark: boolean) {
  return dark
    ? { text: '#d6dae0', muted: '#8a93a0', land: '#2a3039', border: '#454d59', low: '#3b4f6b', high: '#f28c38' }
    : { text: '#1f2329', muted: '#5f6b7a', land: '#e4e7eb', border: '#b8bfc8', low: '#c6dbef', high: '#c0392b' };
}
