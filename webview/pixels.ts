/**
 * A canvas-sized pixel buffer for the dense part of the lanes: filling thousands of thin
 * rectangles by writing 32-bit pixels and putting the image once costs a fraction of
 * building and filling canvas paths of them. Coordinates are CSS px; the buffer is in
 * device px. Colours are parsed once from any CSS colour the canvas understands.
 */
export class PixelLayer {
  private image: ImageData | undefined;
  private px = new Uint32Array(0);
  private w = 0;
  private h = 0;
  private dpr = 1;
  private colors = new Map<string, number>();
  private probe: CanvasRenderingContext2D | null = null;

  /** Clears the buffer for a frame of the given canvas (its backing store size). */
  begin(canvas: HTMLCanvasElement, dpr: number): void {
    if (!this.image || this.image.width !== canvas.width || this.image.height !== canvas.height) {
      this.image = new ImageData(canvas.width, canvas.height);
      this.px = new Uint32Array(this.image.data.buffer);
      this.w = canvas.width;
      this.h = canvas.height;
    } else this.px.fill(0);
    this.dpr = dpr;
  }

  /** A colour as a pixel value (RGBA bytes in memory order), with an extra alpha factor. */
  color(css: string, alpha = 1): number {
    const key = `${css}|${alpha}`;
    let v = this.colors.get(key);
    if (v !== undefined) return v;
    if (!this.probe) this.probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const p = this.probe!;
    p.clearRect(0, 0, 1, 1);
    p.fillStyle = '#000';
    p.fillStyle = css;
    p.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = p.getImageData(0, 0, 1, 1).data;
    v = ((Math.round(a * alpha) << 24) | (b << 16) | (g << 8) | r) >>> 0;
    this.colors.set(key, v);
    return v;
  }

  /** Fills [x0, x1) × [y, y + h) (CSS px); at least one device pixel wide. */
  fill(x0: number, x1: number, y: number, h: number, color: number): void {
    const d = this.dpr;
    let a = Math.floor(x0 * d), b = Math.max(a + 1, Math.round(x1 * d));
    let top = Math.round(y * d), bottom = Math.round((y + h) * d);
    if (a < 0) a = 0;
    if (b > this.w) b = this.w;
    if (top < 0) top = 0;
    if (bottom > this.h) bottom = this.h;
    if (bottom <= top) bottom = Math.min(this.h, top + 1);
    const px = this.px, w = this.w;
    if (b - a > 32) {
      for (let row = top; row < bottom; row++) px.fill(color, row * w + a, row * w + b);
      return;
    }
    // Narrow (the common case when zoomed out): plain loops beat a fill() call per row.
    for (let i = top * w + a, end = bottom * w + a, n = b - a; i < end; i += w) {
      for (let j = 0; j < n; j++) px[i + j] = color;
    }
  }

  /** Puts the frame on the canvas (replacing what was there: draw overlays after). */
  commit(ctx: CanvasRenderingContext2D): void {
    if (this.image) ctx.putImageData(this.image, 0, 0);
  }
}
