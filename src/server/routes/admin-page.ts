import { encodeGrayPng } from '../../image/encode-png.js';
import { encodeBase64 } from '../../ml/base64.js';
import { MNIST_SIZE, PIXELS } from '../../shared/mnist.js';
import type { FeedbackStatus, StoredFeedback } from '../feedback-store.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML content and quoted attributes: stored text (file names, labels) is always shown as text.
 * @param text - Untrusted text.
 * @returns The escaped text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/**
 * Each digit's 28x28 picture of a correction as a base64 PNG.
 * @param row - A stored correction.
 * @returns One PNG per digit.
 */
export function picturesOf(row: StoredFeedback): string[] {
  const out: string[] = [];
  for (let at = 0; at + PIXELS <= row.normalized.length; at += PIXELS) {
    out.push(encodeBase64(encodeGrayPng(row.normalized.subarray(at, at + PIXELS), MNIST_SIZE, MNIST_SIZE)));
  }
  return out;
}

function row(r: StoredFeedback): string {
  const id = encodeURIComponent(r.id);
  const pictures = picturesOf(r)
    .map((png) => `<img alt="" width="56" height="56" src="data:image/png;base64,${png}">`)
    .join('');
  return `<tr>
<td>${pictures}</td>
<td>${escapeHtml(r.predicted || '?')} &rarr; <strong>${escapeHtml(r.corrected)}</strong></td>
<td>${escapeHtml(r.filename ?? '')}</td>
<td><time>${escapeHtml(r.createdAt)}</time><br><code>${escapeHtml(r.id)}</code></td>
<td><form method="post" action="/admin/feedback/${id}/accept"><button>accept</button></form>
<form method="post" action="/admin/feedback/${id}/reject"><button>reject</button></form></td>
</tr>`;
}

/**
 * The review page: pending corrections with their 28x28 pictures and accept / reject buttons (plain forms, no
 * script, so the page's Content-Security-Policy holds). Every stored string goes through {@link escapeHtml}.
 * @param rows - Pending corrections, newest first.
 * @param counts - Rows per status.
 * @returns The HTML document.
 */
export function renderAdminPage(rows: readonly StoredFeedback[], counts: Record<FeedbackStatus, number>): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Corrections - mnist-digits admin</title>
<link rel="stylesheet" href="/assets/app.css"></head>
<body><main>
<h1>Corrections waiting for review</h1>
<p>${counts.pending} pending, ${counts.accepted} accepted, ${counts.rejected} rejected.
Accepted ones go into the next <code>mnist-digits train --feedback</code>.</p>
<table><thead><tr><th>picture</th><th>read &rarr; right</th><th>file</th><th>when / id</th><th></th></tr></thead>
<tbody>
${rows.map(row).join('\n')}
</tbody></table>
</main></body></html>
`;
}
