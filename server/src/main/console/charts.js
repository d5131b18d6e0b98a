// Time-series charts drawn by uPlot (loaded from the server jar as uPlot.min.js, a global), sized to
// their container and coloured from the page's CSS variables, so they follow the light/dark theme.

const palette = ['--chart-1', '--chart-2', '--chart-3'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * A line chart in `container`: `series` is [{label}], `format` turns a value into axis text.
 * Returns {update(times, ...columns), destroy()}; times are epoch milliseconds.
 */
export function lineChart(container, { series, format, height = 160 }) {
  const uPlot = globalThis.uPlot;
  const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid') } };
  const options = {
    width: Math.max(200, container.clientWidth),
    height,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axis },
      { ...axis, size: 64, values: (u, values) => values.map(format) },
    ],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: cssVar(palette[i % palette.length]),
        width: 1.5,
        points: { show: false },
        value: (u, v) => (v == null ? '–' : format(v)),
      })),
    ],
  };
  const empty = [[], ...series.map(() => [])];
  const plot = new uPlot(options, empty, container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, container.clientWidth), height }));
  resize.observe(container);
  return {
    update(times, ...columns) {
      // uPlot's time scale is in seconds.
      plot.setData([times.map((t) => t / 1000), ...columns]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
