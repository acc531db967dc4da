import type { Report } from '../analyzer/report';

/**
 * Labels of a lane's async rows, one per site (`label(site)` gives the site's own label): rows
 * whose labels would read the same ("await getJson()" awaited on two lines) also show where
 * they are, "await getJson() · line 14" (with the file when the lines are in different files).
 */
export function distinctRowLabels(report: Report, sites: number[], label: (site: number) => string): string[] {
  const labels = sites.map(label);
  const s = report.spans.sites;
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  return labels.map((l, i) => {
    const site = sites[i];
    if ((seen.get(l) ?? 0) < 2 || site < 0 || site >= s.line.length) return l;
    const files = new Set(sites.filter((x, k) => labels[k] === l && x >= 0 && x < s.file.length).map((x) => s.file[x]));
    const file = report.spans.strings[s.file[site]] ?? '';
    const where = files.size > 1 ? `${file.split(/[\\/]/).pop()}:${s.line[site]}` : `line ${s.line[site]}`;
    return `${l} · ${where}`;
  });
}
