import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { timelineHtml, modelJson } from './page';
import { syntheticReport } from '../../webview/fixtures/syntheticReport';

test('strict CSP with the nonce; only nonce\'d scripts', () => {
  const html = timelineHtml({ report: syntheticReport({ spans: 10 }), nonce: 'abc123', title: 't', inlineScript: 'console.log(1)' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'/);
  assert.doesNotMatch(csp, /unsafe-eval|https?:/);
  const scripts = html.match(/<script\b[^>]*>/g)!;
  for (const s of scripts) assert.match(s, /nonce="abc123"/);
});

test('program text cannot break out of the model block or the title', () => {
  const r = syntheticReport({ spans: 10 });
  r.program.command = ['node', '</script><script>alert(1)</script>'];
  r.spans.strings.push('<!-- </SCRIPT> <img src=x onerror=alert(1)> \u2028');
  const html = timelineHtml({ report: r, nonce: 'n', title: r.program.command.join(' '), scriptUri: 'vscode-resource:/x.js', cspSource: 'vscode-resource:' });
  assert.doesNotMatch(html, /<\/script><script>alert/i);
  assert.doesNotMatch(html, /<img src=x/);
  assert.equal(html.match(/<\/script>/gi)!.length, 2, 'only the model block and the bundle close');
  const block = /<script type="application\/json" id="cl-model"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1];
  assert.deepEqual(JSON.parse(block), JSON.parse(JSON.stringify(r)));
  assert.equal(JSON.parse(modelJson(r)).spans.strings.at(-1), r.spans.strings.at(-1));
});

test('the inline bundle cannot close its own script element', () => {
  const html = timelineHtml({ report: syntheticReport({ spans: 10 }), nonce: 'n', title: 't', inlineScript: 'var s="</script><b>x</b>";' });
  assert.equal(html.match(/<\/script>/gi)!.length, 2);
});

test('the page is ASCII (Chromium decodes a chunk holding any other character slower), and every block reads back the same text', () => {
  const r = syntheticReport({ spans: 60_000, lanes: 3 });
  const odd = 'await fetch — ·é 🚀 \u2028 <b>';
  r.lanes[0].label = `main — ${odd}`;
  r.spans.strings.push(odd);
  const bundle = readFileSync(resolve(__dirname, '../../dist/webview.js'), 'utf8'); // built before the tests
  const html = timelineHtml({ report: r, nonce: 'n', title: `node app.js — ${odd}`, inlineScript: bundle });
  const wide = [...html].filter((c) => c.charCodeAt(0) > 0x7f);
  assert.deepEqual(wide, []);
  assert.match(html, /<title>node app\.js &#8212; await fetch &#8212; &#183;&#233; &#128640; &#8232; &#60;b&#62;<\/title>/);
  assert.match(html, /id="cl-preview"/, 'a report big enough for the preview blocks (their headers hold the labels)');
  const block = /<script type="application\/json" id="cl-model"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1];
  const parsed = JSON.parse(block);
  assert.equal(parsed.lanes[0].label, r.lanes[0].label);
  assert.equal(parsed.spans.strings.at(-1), odd);
  const head = /<script type="application\/octet-stream" id="cl-preview"[^>]*>([^\n]*)\n/.exec(html)![1];
  assert.ok(JSON.stringify(JSON.parse(head)).includes(odd), 'the preview header holds the label as it was');
});
