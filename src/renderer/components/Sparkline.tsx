// Latency history as a small SVG line; the numbers are in its accessible name.
const WIDTH = 240;
const HEIGHT = 48;

export function Sparkline({ values }: { values: number[] }) {
  if (values.length === 0) return <p className="muted">No latency samples yet.</p>;
  const max = Math.max(...values);
  const min = Math.min(...values);
  // Scale between the lowest and highest sample so changes show; a steady link is a line in the middle.
  const range = max - min;
  const y = (v: number) => (range === 0 ? HEIGHT / 2 : HEIGHT - 3 - ((v - min) / range) * (HEIGHT - 6));
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values[values.length - 1]!;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={`Latency over the last ${values.length} checks: ${Math.round(min)} to ${Math.round(max)} ms, latest ${Math.round(last)} ms`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      preserveAspectRatio="none"
    >
      <polyline points={values.length > 1 ? points : `0,${HEIGHT / 2} ${WIDTH},${HEIGHT / 2}`} fill="none" />
    </svg>
  );
}
