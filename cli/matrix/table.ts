/** The matrix as text: the aligned table (or Markdown) and the lesson ratios. */
import type { LessonResult, MatrixRow } from './check';

const ALL_COLUMNS: { title: string; cell: (r: MatrixRow) => string; right?: boolean }[] = [
  { title: 'variant', cell: (r) => r.variant },
  { title: 'wall', cell: (r) => `${(r.wallMs / 1000).toFixed(2)} s`, right: true },
  { title: 'plain wall', cell: (r) => (r.plainWallMs === undefined || Number.isNaN(r.plainWallMs) ? '-' : `${(r.plainWallMs / 1000).toFixed(2)} s`), right: true },
  { title: 'user', cell: (r) => `${(r.userMs / 1000).toFixed(2)} s`, right: true },
  { title: 'system', cell: (r) => `${(r.systemMs / 1000).toFixed(2)} s`, right: true },
  { title: 'CPU %', cell: (r) => `${Math.round(r.cpuPercent)} %`, right: true },
  { title: 'peak RSS', cell: (r) => `${Math.round(r.maxRssMb)} MB`, right: true },
  { title: 'lag p99', cell: (r) => `${Math.round(r.lagP99Ms)} ms`, right: true },
  { title: 'max conc.', cell: (r) => String(r.maxConcurrency), right: true },
  { title: 'findings', cell: (r) => r.findings },
  { title: 'verdict', cell: (r) => r.verdict },
  { title: 'header', cell: (r) => (r.matches ? 'ok' : 'MISMATCH') },
];

/** The table as aligned plain text, or as a Markdown table. (The plain-wall column only when some row has it.) */
export function formatTable(rows: MatrixRow[], markdown = false): string {
  const COLUMNS = ALL_COLUMNS.filter((c) => c.title !== 'plain wall' || rows.some((r) => r.plainWallMs !== undefined));
  const cells = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  if (markdown) {
    const head = `| ${COLUMNS.map((c) => c.title).join(' | ')} |`;
    const rule = `|${COLUMNS.map((c) => (c.right ? '---:' : '---')).join('|')}|`;
    return [head, rule, ...cells.map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (COLUMNS[i].right ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(COLUMNS.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function formatLessons(lessons: LessonResult[]): string {
  const width = Math.max(0, ...lessons.map((l) => l.name.length));
  return lessons
    .map((l) => `${l.name.padEnd(width)}  ${l.ratio === null ? 'n/a' : `${l.ratio.toFixed(2)}×`.padStart(6)}  (expected ${l.expectation})${l.ok ? '' : '  <- off'}`)
    .join('\n');
}

