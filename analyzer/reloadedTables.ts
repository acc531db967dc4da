import { SPAN, SPAN_KIND, type RawAggregates, type ProbeRecord } from './raw';

type TableRecord = Extract<ProbeRecord, { t: 'table' }>;

/** A table whose file was loaded again in the same thread: its ids [base + 1, base + size] are those of `canonicalBase`'s. */
export interface ReloadedTable { base: number; canonicalBase: number; size: number }

/**
 * The same file loaded again in one thread: a test runner gives each test file a fresh module
 * registry (jest `--runInBand`: the code under test is loaded once per test file, each time with a
 * table of its own ids). Its sites are the same lines; counted apart, each load was a finding of
 * its own (four "2 independent awaits" at one line). Tells such tables apart from the file's
 * first: same file, same sites. A file whose text changed between loads keeps its own ids.
 */
export class ReloadedTables {
  private readonly first = new Map<string, { base: number; signature: string | undefined; table: TableRecord }>();
  readonly reloads: ReloadedTable[] = [];

  /** True when `table` is a reload (its sites are not to be added: see fold). */
  isReload(table: TableRecord): boolean {
    const seen = this.first.get(table.file);
    if (!seen) { this.first.set(table.file, { base: table.base, signature: undefined, table }); return false; }
    seen.signature ??= signature(seen.table);
    if (signature(table) !== seen.signature) return false;
    this.reloads.push({ base: table.base, canonicalBase: seen.base, size: table.size });
    return true;
  }

  /** The aggregates with every reload's figures added to its first load's ids (a copy: the raw record stays as it was). */
  foldAggregates(agg: RawAggregates): RawAggregates {
    if (this.reloads.length === 0) return agg;
    const copy = <T extends Record<string, number[]>>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v]])) as T;
    const out: RawAggregates = { ...agg, site: copy(agg.site), fnCalls: [...agg.fnCalls], group: copy(agg.group), loop: copy(agg.loop) };
    const add = (arr: number[], from: number, to: number) => {
      const v = arr[from];
      if (v === undefined) return;
      arr[to] = (arr[to] ?? 0) + v;
      arr[from] = 0;
    };
    for (const { base, canonicalBase, size } of this.reloads) {
      for (let id = 1; id <= size; id++) {
        const from = base + id, to = canonicalBase + id;
        for (const key of ['count', 'sampled', 'sum', 'syncSum', 'leafSampled', 'leafSum', 'rejected'] as const) add(out.site[key], from, to);
        if (out.site.max[from] !== undefined) { out.site.max[to] = Math.max(out.site.max[to] ?? 0, out.site.max[from]); out.site.max[from] = 0; }
        add(out.fnCalls, from, to);
        for (const key of ['count', 'sum', 'save'] as const) add(out.group[key], from, to);
        for (const key of ['execs', 'iters', 'sum', 'save'] as const) add(out.loop[key], from, to);
      }
    }
    return out;
  }

  /** Spans of a reload's sites carry its first load's ids instead (in place). fsSync spans index names, not sites. */
  foldSpans(spans: Float64Array): void {
    if (this.reloads.length === 0) return;
    for (let o = 0; o < spans.length; o += SPAN.size) {
      if (spans[o + SPAN.kind] === SPAN_KIND.fsSync) continue;
      const gid = spans[o + SPAN.site];
      for (const r of this.reloads) {
        if (gid > r.base && gid <= r.base + r.size) { spans[o + SPAN.site] = gid - r.base + r.canonicalBase; break; }
      }
    }
  }
}

/** What makes two loads of a file the same code: its ids' sites, loops and groups, by position and kind. */
function signature(t: TableRecord): string {
  return `${t.size}|${t.sites.map((s) => `${s.id}:${s.kind}:${s.line}:${s.column}:${s.fn}:${s.group}:${s.loop}`).join(',')}|${t.loops.map((l) => `${l.id}:${l.line}:${l.column}`).join(',')}|${t.groups.map((g) => `${g.id}:${g.sites.join('.')}`).join(',')}`;
}
