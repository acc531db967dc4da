/**
 * A report as SARIF 2.1.0 (the static-analysis results format GitHub code scanning and editors
 * read): one result per finding, its kind as the rule (words from the finding-kind registry),
 * its severity as the level, its source-mapped site as the location (relative to the run's cwd,
 * `%SRCROOT%`), its figures as properties; the run's invocation (command, the program's exit
 * status) and what was not recorded as notifications. Pure: the caller writes the file.
 */
import type { Finding, Report, Severity, SourceLocation } from './report';
import { FINDING_KINDS, findingKindInfo } from './findingKinds';
import { IdentityIndex, identityKey, relativeToCwd } from './findingIdentity';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** The tool's version (package.json). */
  toolVersion: string;
  /** What a shell reports for the program (cli exitStatus): its exit code, 128 + signal, 137 when killed. */
  exitCode: number;
  informationUri?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** An absolute path (POSIX or Windows) or file: URL as a file URI; anything else (node:fs) as given, percent-encoded. */
export function fileUri(p: string): string {
  if (/^file:/i.test(p)) return p;
  const posix = p.replace(/\\/g, '/');
  const encode = (s: string) => s.split('/').map((seg) => (/^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg))).join('/');
  if (posix.startsWith('/')) return `file://${encode(posix)}`;
  if (/^[A-Za-z]:\//.test(posix)) return `file:///${encode(posix)}`;
  return encode(posix);
}

/** A location's artifact: relative to %SRCROOT% (the run's cwd) when below it, else an absolute URI. */
function artifact(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = relativeToCwd(file, cwd);
  if (rel !== file.replace(/\\/g, '/') && !rel.startsWith('/')) return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: fileUri(file) };
}

function physical(loc: SourceLocation, cwd: string) {
  return { physicalLocation: { artifactLocation: artifact(loc.file, cwd), region: { startLine: loc.line, startColumn: loc.column } } };
}

const ms = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 100) / 100);

export function toSarif(report: Report, options: SarifOptions): object {
  const p = report.program;
  const cwd = p.cwd;
  const ids = new IdentityIndex(report);
  const kinds = [...new Set([...FINDING_KINDS, ...report.findings.map((f) => f.kind)])];
  const ruleIndex = new Map(kinds.map((k, i) => [k as string, i]));
  const rules = kinds.map((kind) => {
    const info = findingKindInfo(kind);
    return {
      id: kind,
      name: info?.label ?? kind,
      shortDescription: { text: info?.title ?? kind },
      fullDescription: { text: info?.help ?? `Finding kind ${kind} (reported by a newer Concurrency Lens).` },
      help: { text: info?.help ?? kind },
      ...(options.informationUri ? { helpUri: `${options.informationUri}#finding-kinds` } : {}),
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['concurrency', 'performance', ...(info?.blocksLoop ? ['event-loop'] : [])] },
    };
  });
  const laneOf = (id: string) => report.lanes.find((l) => l.id === id);
  const result = (f: Finding) => {
    const lane = laneOf(f.laneId);
    const key = identityKey(ids.identity(f));
    return {
      ruleId: f.kind,
      ruleIndex: ruleIndex.get(f.kind),
      level: LEVEL[f.severity] ?? 'warning',
      message: { text: f.message },
      locations: [physical(f.location, cwd)],
      ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...physical(r, cwd), message: { text: `related site ${i + 1}` } })) } : {}),
      ...(key ? { partialFingerprints: { 'concurrencyLensSite/v1': key } } : {}),
      properties: {
        occurrences: f.occurrences,
        totalMs: ms(f.totalMs),
        ...(f.estimatedSavingsMs !== undefined ? { savedMs: ms(f.estimatedSavingsMs) } : {}),
        ...(f.iterations !== undefined ? { iterations: f.iterations, iterationsPerRun: f.iterationsPerRun } : {}),
        laneId: f.laneId,
        ...(lane ? { lane: lane.label, laneKind: lane.kind, pid: lane.pid, threadId: lane.threadId } : {}),
        ...(f.perLane ? { perLane: f.perLane.map((l) => ({ ...l, totalMs: ms(l.totalMs) })) } : {}),
        ...(f.detail ? { detail: f.detail } : {}),
      },
    };
  };
  const notes: { level: 'warning' | 'note'; message: { text: string } }[] = [
    ...(p.error ? [{ level: 'warning' as const, message: { text: `the run was cut short: ${p.error}` } }] : []),
    ...(p.degraded ?? []).map((text) => ({ level: 'warning' as const, message: { text: `not recorded or estimated: ${text}` } })),
    ...report.warnings.map((text) => ({ level: 'note' as const, message: { text } })),
    ...(report.spans?.dropped?.note ? [{ level: 'note' as const, message: { text: report.spans.dropped.note } }] : []),
  ];
  const iso = (t: number) => new Date(t).toISOString();
  const invocation = {
    commandLine: p.command.map(shellQuote).join(' '),
    arguments: p.command,
    workingDirectory: { uri: dirUri(cwd) },
    startTimeUtc: iso(p.startEpochMs),
    endTimeUtc: iso(p.startEpochMs + p.wallMs),
    // The recording was made (a program that fails or crashes is still recorded); false when
    // the program could not be started or the run was cut short.
    executionSuccessful: !p.error,
    exitCode: options.exitCode,
    ...(p.signal ? { exitSignalName: p.signal } : {}),
    ...(notes.length ? { toolExecutionNotifications: notes } : {}),
    properties: { programExitCode: p.exitCode, stopReason: p.stopReason, ...(p.killed ? { killed: p.killed.reason } : {}) },
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Concurrency Lens', semanticVersion: options.toolVersion, version: options.toolVersion, ...(options.informationUri ? { informationUri: options.informationUri } : {}), rules } },
      invocations: [invocation],
      originalUriBaseIds: { [SRCROOT]: { uri: dirUri(cwd) } },
      columnKind: 'utf16CodeUnits',
      results: report.findings.map(result),
      properties: {
        wallMs: ms(p.wallMs),
        cpuPercent: p.cpuPercent,
        eventLoopLagMs: report.metrics.eventLoopLagMs,
        maxConcurrency: report.metrics.maxConcurrency,
        ...(p.mainPid !== undefined ? { mainPid: p.mainPid } : {}),
      },
    }],
  };
}

/** A directory's file URI, ending in '/' (SARIF base URIs must). */
function dirUri(dir: string): string {
  const u = fileUri(dir);
  return u.endsWith('/') ? u : `${u}/`;
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
