import { chromium } from 'playwright-core';
const file = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
for (let L = 0; L < 1; L++) {
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
const cdp = await page.context().newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => { for (const ev of e.value) events.push(ev); });
const complete = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel', 'blink', 'v8'] }, transferMode: 'ReportEvents' });
await page.goto('file://' + file, { timeout: 120000 });
await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs, null, { timeout: 120000 });
await page.evaluate(() => performance.mark('cl-fp'));
const fp = await page.evaluate(() => globalThis.concurrencyLens.firstPaintMs);
await cdp.send('Tracing.end'); await complete;
const mark = events.find((e) => e.name === 'cl-fp');
const origin = mark.ts - mark.args.data.startTime * 1000;
const main = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.ts >= origin && e.ts <= origin + fp * 1000);
const by = new Map();
for (const e of main) { const k = e.name; const v = by.get(k) ?? [0, 0, 0]; v[0] += (e.tdur ?? e.dur) / 1000; v[1]++; v[2] = Math.max(v[2], (e.tdur ?? e.dur) / 1000); by.set(k, v); }
console.log('first paint', fp.toFixed(0));
console.log([...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, 22).map(([k, v]) => `${v[0].toFixed(1).padStart(7)} ms  n=${v[1]} max=${v[2].toFixed(1)}  ${k}`).join('\n'));
for (const e of main.filter((x) => ['HTMLDocumentParser::appendBytes', 'TextResourceDecoder::Decode', 'ParseHTML', 'EvaluateScript', 'Receive mojo message'].includes(x.name) && (x.tdur ?? x.dur) > 2000)) console.log('  ', ((e.ts - origin) / 1000).toFixed(0), e.name, ((e.tdur ?? e.dur) / 1000).toFixed(1), JSON.stringify(e.args).slice(0, 200));
const big = main.filter((e) => ['Layout', 'UpdateLayoutTree', 'ParseHTML', 'Paint', 'PrePaint', 'EvaluateScript', 'v8.compile', 'HitTest', 'ScheduleStyleRecalculation'].includes(e.name) && (e.tdur ?? e.dur) > 5000);
for (const e of big) console.log(((e.ts - origin) / 1000).toFixed(0), e.name, ((e.tdur ?? e.dur) / 1000).toFixed(1), JSON.stringify(e.args?.beginData ?? e.args?.data ?? {}).slice(0, 160));
await page.close();
}
await browser.close();
