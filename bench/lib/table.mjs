// Plain-text tables for the bench's output: the first column left-aligned, the others as `align` says
// ('l' or 'r' per column, default right), columns two spaces apart, a dashed rule under the header.
export function formatTable(header, rows, align = []) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (c, i) => (i === 0 || align[i] === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => cells.map(cell).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
