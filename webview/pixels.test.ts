import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PixelLayer } from './pixels';

// Node has no ImageData: the buffer needs only its width, height and bytes.
(globalThis as any).ImageData ??= class { data: Uint8ClampedArray; constructor(public width: number, public height: number) { this.data = new Uint8ClampedArray(width * height * 4); } };

const RED = 0xff0000ff >>> 0; // opaque red (RGBA bytes in memory order)
const HALF_BLUE = ((128 << 24) | (255 << 16)) >>> 0;
/** A layer on a 4 × 4 device-px canvas, and its pixels read back through commit. */
function layer(dpr = 1) {
  const p = new PixelLayer();
  p.begin({ width: 4, height: 4 } as HTMLCanvasElement, dpr);
  const read = () => {
    let img: ImageData | undefined;
    p.commit({ putImageData: (i: ImageData) => { img = i; } } as unknown as CanvasRenderingContext2D);
    return new Uint32Array(img!.data.buffer);
  };
  return { p, read };
}
const alpha = (v: number) => v >>> 24;

test('paint: a fractional top edge gets the colour at the covered share of its alpha, whole rows the colour', () => {
  const { p, read } = layer();
  p.paint(1, 2, 1.25, 2.75, RED); // rows 1 (¾ covered), 2, 3
  const px = read();
  assert.equal(px[0 * 4 + 1], 0, 'nothing above the rectangle');
  assert.equal(alpha(px[1 * 4 + 1]), 191);
  assert.equal(px[1 * 4 + 1] & 0xffffff, RED & 0xffffff, 'same colour');
  assert.equal(px[2 * 4 + 1], RED);
  assert.equal(px[3 * 4 + 1], RED);
  assert.equal(px[2 * 4 + 0] + px[2 * 4 + 2], 0, 'one column wide');
});

test('paint: overlapping rectangles of one fill never make a pixel lighter; separate fills (over) blend', () => {
  const { p, read } = layer();
  p.paint(0, 1, 0, 4, RED);
  p.paint(0, 1, 0.5, 3.5, RED); // a partly covered top row over a whole one: stays whole
  p.paint(2, 3, 0, 4, HALF_BLUE);
  p.paint(2, 3, 0, 4, HALF_BLUE, true); // ½ over ½: ¾ alpha
  const px = read();
  assert.equal(px[0], RED);
  assert.equal(alpha(px[2]), 192);
  assert.equal((px[2] >>> 16) & 255, 255, 'still blue');
});

test('paint at 2 device px per CSS px: the rectangle covers twice the device pixels', () => {
  const { p, read } = layer(2);
  p.paint(0.5, 1, 0, 1.5, RED); // device columns 1, rows 0–2
  const px = read();
  assert.deepEqual([px[1], px[5], px[9], px[13]], [RED, RED, RED, 0]);
  assert.equal(px[0] + px[2], 0);
});

test('paint: a run with fractional top and bottom edges has them partly covered and every row between whole, at any width', () => {
  for (const n of [1, 5, 40]) {
    const p = new PixelLayer();
    p.begin({ width: 48, height: 8 } as HTMLCanvasElement, 1);
    let img: ImageData | undefined;
    p.paint(2, 2 + n, 1.5, 5, RED); // rows 1 (½), 2–5 (whole), 6 (½)
    p.commit({ putImageData: (i: ImageData) => { img = i; } } as unknown as CanvasRenderingContext2D);
    const px = new Uint32Array(img!.data.buffer);
    const column = (x: number) => [0, 1, 2, 3, 4, 5, 6, 7].map((r) => px[r * 48 + x]);
    const half = ((128 << 24) | (RED & 0xffffff)) >>> 0;
    for (const x of [2, 1 + n]) assert.deepEqual(column(x), [0, half, RED, RED, RED, RED, half, 0], `${n} wide, column ${x}`);
    assert.deepEqual(column(2 + n), [0, 0, 0, 0, 0, 0, 0, 0], `${n} wide: nothing right of it`);
  }
});

test('paintBars: bars standing on a row, each painted exactly as paint() paints it, at 1, 1.5 and 2 device px per CSS px', () => {
  let seed = 3;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const colors = [RED, HALF_BLUE, 0x8000ff00];
  for (const dpr of [1, 1.5, 2]) {
    const canvas = { width: 90, height: 30 } as HTMLCanvasElement;
    const bars = new Float32Array(4 * 40);
    let x = -2;
    for (let i = 0; i < 40; i++) {
      const x1 = x + (i % 3 ? 1 : rnd() * 6);
      bars.set([x, x1, i % 4, i % 2 ? 1 : Math.ceil(rnd() * 8) / 8], 4 * i);
      x = x1;
    }
    const y = 3.5, h = 17;
    const one = new PixelLayer(), all = new PixelLayer();
    one.begin(canvas, dpr); all.begin(canvas, dpr);
    for (let i = 0; i < 40; i++) {
      const cover = bars[4 * i + 3], hh = cover >= 1 ? h : Math.max(2, h * cover);
      one.paint(bars[4 * i], bars[4 * i + 1], y + h - hh, hh, colors[bars[4 * i + 2]] ?? colors[0]);
    }
    all.paintBars(bars, 40, colors, y, h, 2);
    const read = (p: PixelLayer) => {
      let img: ImageData | undefined;
      p.commit({ putImageData: (i: ImageData) => { img = i; } } as unknown as CanvasRenderingContext2D);
      return Array.from(new Uint32Array(img!.data.buffer));
    };
    const a = read(one), b = read(all);
    assert.ok(a.some((v) => v !== 0), 'something painted');
    assert.deepEqual(b, a, `dpr ${dpr}`);
  }
});
