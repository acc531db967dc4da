/** Sizes a canvas's backing store to its CSS size × devicePixelRatio; drawing stays in CSS px. */
export function canvasDpr(): number {
  return Math.max(1, Math.min(3, window.devicePixelRatio || 1));
}

export function fitCanvas(c: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D {
  const dpr = canvasDpr();
  const w = Math.max(1, Math.round(cssW * dpr)), h = Math.max(1, Math.round(cssH * dpr));
  if (c.width !== w) c.width = w;
  if (c.height !== h) c.height = h;
  c.style.height = `${cssH}px`;
  const ctx = c.getContext('2d', { alpha: true })!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}


/** Vertical grid lines at the axis ticks. */
export function drawGrid(ctx: CanvasRenderingContext2D, s: (t: number) => number, ticks: number[], h: number, th: { grid: string }): void {
  ctx.strokeStyle = th.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of ticks) {
    const x = Math.round(s(t)) + 0.5;
    ctx.moveTo(x, 0); ctx.lineTo(x, h);
  }
  ctx.stroke();
}
