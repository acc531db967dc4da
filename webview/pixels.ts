/**
 * A canvas-sized pixel buffer for the many thin rectangles of the lanes and tracks: writing
 * 32-bit pixels and putting the image once costs a fraction of what canvas paths or fillRect
 * calls of them cost, whose rasterizing (Skia, in the frame's commit) was most of a frame.
 * Coordinates are CSS px; the buffer is in device px. Colours are parsed once from any CSS
 * colour the canvas understands; pixels hold straight (not premultiplied) RGBA, as ImageData.
 */
export class PixelLayer {
  private image: ImageData | undefined;
  private px = new Uint32Array(0);
  private w = 0;
  private h = 0;
  private dpr = 1;
  private colors = new Map<string, number>();
  private probe: CanvasRenderingContext2D | null = null;
  /** Holds the image for commitOver (putImageData replaces; drawImage composites). */
  private stage: HTMLCanvasElement | undefined;

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

  /** Fills [x0, x1) × [y, y + h) (CSS px) with `color`, replacing what is there; at least one device pixel wide and high. */
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

  /**
   * Paints [x0, x1) × [y, y + h) (CSS px) as a canvas fills a rectangle: a device row the
   * rectangle only partly covers (a fractional top or bottom edge) gets the colour with its
   * alpha scaled by the covered fraction. `over`: drawn over what is there (source-over, as
   * separate fills are); else as one fill of many rectangles is (where they overlap, the pixel
   * is the colour once: replaced, never made lighter). Columns are whole device pixels (x0
   * floored, x1 rounded, at least one), as in fill.
   */
  paint(x0: number, x1: number, y: number, h: number, color: number, over = false): void {
    const d = this.dpr;
    let a = Math.floor(x0 * d), b = Math.max(a + 1, Math.round(x1 * d));
    if (a < 0) a = 0;
    if (b > this.w) b = this.w;
    if (b <= a || !(h > 0)) return;
    const top = y * d, bottom = (y + h) * d;
    let r0 = Math.floor(top), r1 = Math.ceil(bottom);
    if (r0 < 0) r0 = 0;
    if (r1 > this.h) r1 = this.h;
    const px = this.px, w = this.w, n = b - a;
    if (!over) {
      // The rows wholly inside [top, bottom) take the colour as it is: one tight loop (most
      // runs are a pixel or two wide and a row high: per-row work was most of a lanes frame).
      // Only the partly covered top and bottom rows go through the general loop below.
      let f0 = Math.ceil(top), f1 = Math.floor(bottom);
      if (f0 < r0) f0 = r0;
      if (f1 > r1) f1 = r1;
      if (f1 > f0 && (color >>> 24) !== 0) {
        if (n === 1) for (let i = f0 * w + a, end = f1 * w + a; i < end; i += w) px[i] = color;
        else if (n > 32) for (let r = f0; r < f1; r++) px.fill(color, r * w + a, r * w + b);
        else for (let i = f0 * w + a, end = f1 * w + a; i < end; i += w) for (let j = 0; j < n; j++) px[i + j] = color;
        this.paintRows(r0, f0, top, bottom, a, n, color);
        this.paintRows(f1, r1, top, bottom, a, n, color);
        return;
      }
    }
    this.paintRows(r0, r1, top, bottom, a, n, color, over);
  }

  /**
   * Paints `count` bars standing on the bottom of [y, y + h) (CSS px), each as paint() would
   * (not `over`): bar i spans bars[4i] … bars[4i + 1] in colors[bars[4i + 2]] (colors[0] if
   * there is none) and is h high, or max(minH, h × bars[4i + 3]) when that share is below 1.
   * paint()'s rule inlined in one loop: a lanes frame paints tens of thousands of bars, and a
   * call per bar (its fractional numbers boxed on the heap) cost more than the pixels.
   */
  paintBars(bars: Float32Array, count: number, colors: number[], y: number, h: number, minH: number): void {
    const d = this.dpr, px = this.px, w = this.w, H = this.h;
    // Parameters are tagged values: hh merging h with a double made V8 box every bar's height
    // (garbage each frame). The products are numbers V8 keeps unboxed.
    const full = h * 1, least = minH * 1;
    for (let o = 0, end = count * 4; o < end; o += 4) {
      const share = bars[o + 3];
      const hh = share >= 1 ? full : Math.max(least, full * share);
      const color = colors[bars[o + 2]] ?? colors[0];
      const yy = y + h - hh;
      let a = Math.floor(bars[o] * d), b = Math.max(a + 1, Math.round(bars[o + 1] * d));
      if (a < 0) a = 0;
      if (b > w) b = w;
      if (b <= a || !(hh > 0)) continue;
      const top = yy * d, bottom = (yy + hh) * d;
      let r0 = Math.floor(top), r1 = Math.ceil(bottom);
      if (r0 < 0) r0 = 0;
      if (r1 > H) r1 = H;
      const n = b - a;
      let f0 = Math.ceil(top), f1 = Math.floor(bottom);
      if (f0 < r0) f0 = r0;
      if (f1 > r1) f1 = r1;
      if (f1 > f0 && (color >>> 24) !== 0) {
        if (n === 1) for (let i = f0 * w + a, e = f1 * w + a; i < e; i += w) px[i] = color;
        else for (let i = f0 * w + a, e = f1 * w + a; i < e; i += w) for (let j = 0; j < n; j++) px[i + j] = color;
      } else f0 = f1 = r1;
      // The partly covered top and bottom rows (the whole rows f0 … f1 - 1 are done).
      for (let r = r0; r < r1; r++) {
        if (r === f0) { r = f1 - 1; continue; }
        const cov = Math.min(r + 1, bottom) - Math.max(r, top);
        const c = cov >= 0.998 ? color : ((((((color >>> 24) * cov + 0.5) | 0) << 24) | (color & 0xffffff)) >>> 0);
        const ca = c >>> 24;
        if (ca === 0) continue;
        const i = r * w + a;
        if (c === color) for (let j = 0; j < n; j++) px[i + j] = c;
        else for (let j = 0; j < n; j++) if (px[i + j] >>> 24 < ca) px[i + j] = c;
      }
    }
  }

  /** paint()'s rows r0 … r1 - 1 (device px) of columns a … a + n - 1, each with the share of it [top, bottom) covers. */
  private paintRows(r0: number, r1: number, top: number, bottom: number, a: number, n: number, color: number, over = false): void {
    const px = this.px, w = this.w;
    for (let r = r0; r < r1; r++) {
      const cov = Math.min(r + 1, bottom) - Math.max(r, top);
      const c = cov >= 0.998 ? color : withAlpha(color, ((color >>> 24) * cov + 0.5) | 0);
      const ca = c >>> 24;
      if (ca === 0) continue;
      const i = r * w + a;
      if (over) {
        for (let j = 0; j < n; j++) { const t = px[i + j]; px[i + j] = t >>> 24 === 0 ? c : sourceOver(c, t); }
      } else if (c === color) {
        if (n > 32) px.fill(c, i, i + n);
        else for (let j = 0; j < n; j++) px[i + j] = c;
      } else {
        for (let j = 0; j < n; j++) if (px[i + j] >>> 24 < ca) px[i + j] = c;
      }
    }
  }

  /** Puts the frame on the canvas (replacing what was there: draw overlays after). */
  commit(ctx: CanvasRenderingContext2D): void {
    if (this.image) ctx.putImageData(this.image, 0, 0);
  }

  /** Draws the frame over what the canvas holds (source-over), like the fills it stands for would have. */
  commitOver(ctx: CanvasRenderingContext2D): void {
    if (!this.image) return;
    this.stage ??= document.createElement('canvas');
    const st = this.stage;
    if (st.width !== this.w) st.width = this.w;
    if (st.height !== this.h) st.height = this.h;
    st.getContext('2d')!.putImageData(this.image, 0, 0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(st, 0, 0);
    ctx.restore();
  }
}

function withAlpha(color: number, alpha: number): number {
  return ((alpha << 24) | (color & 0xffffff)) >>> 0;
}

/** `src` over `dst`, both straight RGBA pixels (Porter-Duff source-over). */
function sourceOver(src: number, dst: number): number {
  const sa = (src >>> 24) / 255, da = (dst >>> 24) / 255;
  const k = da * (1 - sa), oa = sa + k;
  const r = ((src & 255) * sa + (dst & 255) * k) / oa;
  const g = (((src >>> 8) & 255) * sa + ((dst >>> 8) & 255) * k) / oa;
  const b = (((src >>> 16) & 255) * sa + ((dst >>> 16) & 255) * k) / oa;
  return (((oa * 255 + 0.5) << 24) | ((b + 0.5) << 16) | ((g + 0.5) << 8) | (r + 0.5)) >>> 0;
}
