// Percentiles and the result rows every benchmark group reports.

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: number[]): number => percentile(samples, 50);

/** High-resolution wall clock in ms, comparable across processes on this machine. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

export type Verdict = 'PASS' | 'FAIL' | 'info';

export interface Row {
  group: string;
  metric: string;
  /** Our number (null when it could not be measured). */
  ours: number | null;
  /** The reference measured in the same run, or the reference figure stated in the issue. */
  reference: number | null;
  unit: string;
  /** ours / reference. */
  ratio: number | null;
  /** E.g. "≤ 1.0× ref" or "< 1 ms"; empty for information only. */
  target: string;
  verdict: Verdict;
  note?: string;
}

export interface RowInput {
  metric: string;
  ours: number | null;
  reference?: number | null;
  unit: string;
  note?: string;
  /** Pass when ratio ≤ max (lower is better) or ratio ≥ min (higher is better). */
  maxRatio?: number;
  minRatio?: number;
  /** Pass when ours ≤ this absolute bound. */
  maxValue?: number;
}

export function row(group: string, r: RowInput): Row {
  const reference = r.reference ?? null;
  const ratio = r.ours !== null && reference !== null && reference !== 0 ? r.ours / reference : null;
  let target = '';
  let verdict: Verdict = 'info';
  const judge = (ok: boolean): Verdict => (r.ours === null ? 'FAIL' : ok ? 'PASS' : 'FAIL');
  if (r.maxRatio !== undefined) {
    target = `≤ ${r.maxRatio}× ref`;
    verdict = judge(ratio !== null && ratio <= r.maxRatio);
  } else if (r.minRatio !== undefined) {
    target = `≥ ${r.minRatio}× ref`;
    verdict = judge(ratio !== null && ratio >= r.minRatio);
  } else if (r.maxValue !== undefined) {
    target = `≤ ${r.maxValue} ${r.unit}`;
    verdict = judge(r.ours !== null && r.ours <= r.maxValue);
  }
  return { group, metric: r.metric, ours: r.ours, reference, unit: r.unit, ratio, target, verdict, ...(r.note ? { note: r.note } : {}) };
}

function num(v: number | null): string {
  if (v === null || Number.isNaN(v)) return '—';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export function markdownTable(rows: Row[]): string {
  const lines = ['| group | metric | ours | reference | ratio | target | result | note |', '|---|---|---:|---:|---:|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.group} | ${r.metric} | ${num(r.ours)} ${r.unit} | ${r.reference === null ? '—' : `${num(r.reference)} ${r.unit}`} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target || '—'} | ${r.verdict === 'info' ? '' : r.verdict} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}
