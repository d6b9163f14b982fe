import type { Summary } from './stats.js';

interface Column {
  title: string;
  width: number;
  alignLeft?: boolean;
}

const COLUMNS: Column[] = [
  { title: 'H', width: 5 },
  { title: 'W', width: 3 },
  { title: 'strategy', width: 16, alignLeft: true },
  { title: 'transfers/s', width: 11 },
  { title: 'rounds min–max', width: 14 },
  { title: 'vs ours', width: 7 },
  { title: 'retries/commit', width: 14 },
  { title: 'p50 ms', width: 7 },
  { title: 'p99 ms', width: 7 },
  { title: 'exceeded', width: 8 },
  { title: 'failed', width: 6 },
];

/** A Markdown table, printed a cell at a time, so it can be pasted into bench/README.md as it is. */
export function tableHeader(): string {
  const titles = line(COLUMNS.map((column) => column.title));
  const rule = `|${COLUMNS.map((column) => `${column.alignLeft ? ':' : '-'}${'-'.repeat(column.width)}${column.alignLeft ? '-' : ':'}`).join('|')}|`;
  return `${titles}\n${rule}`;
}

export function tableRow(accounts: number, workers: number, strategy: string, summary: Summary, ours: Summary | undefined): string {
  const ratio = ours && ours.transfersPerSecond > 0 ? `${(summary.transfersPerSecond / ours.transfersPerSecond).toFixed(2)}x` : '–';
  return line([
    String(accounts),
    String(workers),
    strategy,
    summary.transfersPerSecond.toFixed(0),
    `${summary.slowestRound.toFixed(0)}–${summary.fastestRound.toFixed(0)}`,
    ratio,
    decimal(summary.retriesPerCommit, 2),
    milliseconds(summary.p50Ms),
    milliseconds(summary.p99Ms),
    String(summary.exceeded),
    String(summary.failed),
  ]);
}

function line(cells: string[]): string {
  return `| ${cells.map((cell, i) => (COLUMNS[i]!.alignLeft ? cell.padEnd(COLUMNS[i]!.width) : cell.padStart(COLUMNS[i]!.width))).join(' | ')} |`;
}

function decimal(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Two decimals below 10 ms, where the differences between strategies live; one above. */
function milliseconds(value: number): string {
  return decimal(value, value < 10 ? 2 : 1);
}
