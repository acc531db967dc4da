/**
 * The figures of a finding as every surface states them (code lens, hover, Problems-adjacent
 * text, the timeline's side panel, the CLI summary): how often it happened, how long it took,
 * what a fix would save. One source, so the lens never says "1×" where Problems says
 * "20 iterations". Pure: no I/O, no vscode, no DOM. Durations use the analyzer's formatMs, the
 * formatter the findings' own messages use.
 */
import type { Finding } from './report';
import { formatMs } from './format';

export interface FindingFigures {
  /** What repeated, in words: "20 iterations", "20 iterations per run × 3 runs", "3×", "4 calls". */
  repeated: string;
  /** "2.9 s" */
  total: string;
  /** "~2.8 s" ("at most ~2.8 s" when the CPU the waits held bounds it), or undefined when no saving is estimated. */
  saving?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function findingFigures(f: Finding): FindingFigures {
  return {
    repeated: repeatedText(f),
    total: formatMs(f.totalMs),
    saving: f.estimatedSavingsMs ? `${f.savingsBound ? 'at most ' : ''}~${formatMs(f.estimatedSavingsMs)}` : undefined,
  };
}

function repeatedText(f: Finding): string {
  if (f.kind === 'await-in-loop' && f.iterationsPerRun !== undefined) {
    const per = plural(f.iterationsPerRun, 'iteration');
    return f.occurrences > 1 ? `${per} per run × ${plural(f.occurrences, 'run')}` : per;
  }
  if (f.kind === 'sequential-awaits') return plural(f.occurrences, 'call');
  return `${f.occurrences}×`;
}

/** Evidence sentences for hovers and details, plain text. */
export function evidenceSentences(f: Finding): string[] {
  const fig = findingFigures(f);
  const lines = [`Seen: ${fig.repeated}, ${fig.total} in total.`];
  if (fig.saving) lines.push(`Estimated saving: ${fig.saving}.`);
  return lines;
}

/** One compact line: "20 iterations · 2.9 s · save ~2.8 s". */
export function figuresLine(f: Finding): string {
  const fig = findingFigures(f);
  return [fig.repeated, fig.total, fig.saving && `save ${fig.saving}`].filter(Boolean).join(' · ');
}
