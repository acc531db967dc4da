/**
 * The CLI's usage text. Its own module: it names every command's options, so building it loads
 * those commands; the CLI loads it only to print it.
 */
import { FINDING_KINDS } from '../analyzer/findingKinds';
import { budgetHelp } from '../analyzer/budgets';
import { OUTPUT_USAGE } from './outputs';
import { ATTACH_USAGE } from './attach';
import { COMPARE_SYNOPSIS, COMPARE_OPTIONS } from './compare';
import { EXIT_GATE } from './exitCodes';

export const USAGE = `Usage:
  concurrency-lens profile <script.js|script.ts|command…> [options] [-- program args]
  concurrency-lens attach [pid | 127.0.0.1:port] [options]
${COMPARE_SYNOPSIS}
  concurrency-lens matrix [samples-dir] [--markdown] [--json FILE] [--filter TEXT]

Profile options:
${OUTPUT_USAGE}
  --duration SECONDS       stop the program after this long (servers): it gets SIGINT
  --grace SECONDS          time the program may take to shut down after a stop signal
                           before it is killed (default 10)
  --sampling-interval US   CPU sampling interval in microseconds (default 1000)
  --threshold MS           event-loop block worth reporting (default 20)
  --include-node-modules   instrument dependencies too
  --cwd DIR                run the program in DIR
  --quiet                  no summary
  --fail-on KIND[:MIN_MS],…
                           fail (exit ${EXIT_GATE}) when a finding of KIND has a total time (all its
                           occurrences, all lanes) of at least MIN_MS (default 0); KIND: any,
${wrap(FINDING_KINDS.join(', '), 27, 100)}
  --budget NAME=LIMIT,…    fail (exit ${EXIT_GATE}) when a measured figure exceeds LIMIT, e.g.
                           lag.p99=50ms,blocking.total=200ms,rss=300MB. Times take ms or s.
                           A budget whose figure was not recorded fails too ("not checked").
${budgetHelp(' '.repeat(29))}
Stopping: SIGINT (Ctrl-C), SIGTERM and SIGHUP are passed on to the program, which gets the grace
period to shut down; a second Ctrl-C kills it at once. The report is written either way.
Exit code: the program's (128 + signal number if a signal ended it; 0 if --duration's SIGINT
ended it), 137 if it had to be killed, 2 for bad usage. When the program's status is 0 and a
--fail-on or --budget gate failed: ${EXIT_GATE}, with one line per breach on stderr. A program that
failed by itself keeps its own status (the breaches are still printed). The reports (--json,
--html, --sarif) are written in every case, with the program's own exit code in them.

${ATTACH_USAGE}

${COMPARE_OPTIONS}`;

/** `text` wrapped at `width` columns, every line indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

