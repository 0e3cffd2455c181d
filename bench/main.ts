// `npm run bench [-- group…]`: runs the benchmark groups, prints a Markdown table, and writes
// bench/results/bench-<time>.json, bench/results/latest.json and bench/results/latest.md.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chatGroup } from './groups/chat';
import { gatewayGroup } from './groups/gateway';
import { recoveryGroup } from './groups/recovery';
import { tunnelGroup } from './groups/tunnel';
import { uiGroup } from './groups/ui';
import { REPO, runGroup, type Group } from './lib/context';
import { markdownTable, type Row } from './lib/stats';

const GROUPS: Record<string, Group> = { tunnel: tunnelGroup, gateway: gatewayGroup, chat: chatGroup, recovery: recoveryGroup, ui: uiGroup };

function machine(): Record<string, string | number> {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { nproc: cpus().length, cpu: model.trim(), ramGiB: Number((totalmem() / 1024 ** 3).toFixed(1)), node: process.version, platform: `${process.platform} ${process.arch}` };
}

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => !(a in GROUPS));
  if (unknown.length) {
    console.error(`unknown group(s): ${unknown.join(', ')}; choose from ${Object.keys(GROUPS).join(', ')}`);
    return 2;
  }
  const names = args.length ? args : Object.keys(GROUPS);
  const startedAt = new Date().toISOString();
  const rows: Row[] = [];
  const groups: Record<string, { seconds: number; error?: string }> = {};
  for (const name of names) {
    console.log(`\n▶ ${name}`);
    const r = await runGroup(name, GROUPS[name] as Group, (line) => console.log(line));
    rows.push(...r.rows);
    groups[name] = { seconds: Number(r.seconds.toFixed(1)), ...(r.error ? { error: r.error.split('\n')[0] } : {}) };
  }
  const m = machine();
  const header = `Benchmarks ${startedAt} on ${m.nproc} × ${m.cpu}, ${m.ramGiB} GiB RAM, Node ${m.node} (${m.platform})`;
  const failed = Object.entries(groups).filter(([, g]) => g.error).map(([n, g]) => `- ${n}: not measured: ${g.error}`);
  const table = [header, '', markdownTable(rows), '', ...failed].join('\n');
  console.log(`\n${table}`);
  const verdicts = rows.filter((r) => r.verdict !== 'info');
  console.log(`\n${verdicts.filter((r) => r.verdict === 'PASS').length} targets PASS, ${verdicts.filter((r) => r.verdict === 'FAIL').length} FAIL`);

  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ startedAt, machine: m, groups, rows }, null, 2);
  writeFileSync(join(dir, `bench-${startedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.md'), `${table}\n`);
  return 0;
}
