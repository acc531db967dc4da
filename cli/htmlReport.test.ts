import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHtmlReport, webviewBundle } from './htmlReport';
import { syntheticReport } from '../webview/fixtures/syntheticReport';

test('--html writes one self-contained page: bundle inlined, nothing remote, fresh nonce', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-html-'));
  try {
    const file = join(dir, 'r.html');
    const r = syntheticReport({ spans: 100 });
    writeHtmlReport(r, file);
    const html = readFileSync(file, 'utf8');
    assert.ok(html.length > readFileSync(webviewBundle(), 'utf8').length, 'bundle is inlined');
    assert.doesNotMatch(html, /<script[^>]+src=/i);
    assert.doesNotMatch(html, /<link\b/i);
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)![1];
    assert.ok(nonce.length >= 16);
    writeHtmlReport(r, file);
    assert.notEqual(/script-src 'nonce-([^']+)'/.exec(readFileSync(file, 'utf8'))![1], nonce, 'a new nonce each time');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
