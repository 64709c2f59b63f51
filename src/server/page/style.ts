/** The page's stylesheet (and /docs'), served as /assets/app.css. Colours meet WCAG AA contrast on white. */
export const PAGE_CSS = `:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --accent: #0b57d0; --line: #8a8a8a; --box: #c5221f; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 0.75rem; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.4rem; margin: 0.25rem 0; }
header p { margin: 0.25rem 0; }
h2 { font-size: 1.15rem; margin: 1rem 0 0.25rem; }
.hint, .status, .legend { color: var(--muted); }
.hint { margin: 0.25rem 0; }
.hint.unsure { color: #8a4b00; font-weight: 600; }
.legend { font-size: 0.85rem; margin: 0.25rem 0; }
.error { color: #a50e0e; font-weight: 600; }
.dropzone { border: 2px dashed var(--line); border-radius: 8px; padding: 0.75rem; }
.dropzone.over { border-color: var(--accent); background: #eef3fd; }
.dropzone label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.dropzone p { margin: 0.25rem 0 0; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; padding: 0.3rem 0.9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button:hover { background: #0842a0; }
#pad { display: block; border: 2px solid var(--line); border-radius: 8px; background: #fff; touch-action: none; cursor: crosshair; width: 100%; max-width: 720px; aspect-ratio: 3 / 1; height: auto; }
section > p { margin: 0.4rem 0; }
.results { display: grid; gap: 0.75rem; margin-top: 0.5rem; }
.result { border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem; min-width: 0; }
.result h3 { font-size: 1rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.result.failed { border-color: #a50e0e; }
.reading { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: baseline; margin: 0 0 0.5rem; }
.reading .text { font-size: 2.5rem; font-weight: 700; line-height: 1; letter-spacing: 0.1em; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.shown { position: relative; display: inline-block; max-width: 100%; margin: 0; }
.shown img { display: block; max-width: 100%; max-height: 14rem; border: 1px solid var(--line); background: #fff; }
.shown .box { position: absolute; border: 2px solid var(--box); pointer-events: none; }
.shown .box span { position: absolute; top: -1.3em; left: -2px; background: var(--box); color: #fff; font-size: 0.75rem; line-height: 1.2; padding: 0 0.25em; }
.shown .box.skipped { border: 2px dashed var(--muted); }
figure { margin: 0; }
figcaption { font-size: 0.8rem; color: var(--muted); }
.source-missing { max-width: 12rem; margin: 0; font-size: 0.8rem; color: var(--muted); border: 1px dashed var(--line); padding: 0.25rem; }
.digits { list-style: none; padding: 0; margin: 0.5rem 0 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.5rem; }
.digits > li { border: 1px solid #d0d0d0; border-radius: 6px; padding: 0.4rem; display: grid; grid-template-columns: auto 1fr; gap: 0 0.5rem; align-items: center; }
.digits .digit { font-size: 2rem; font-weight: 700; line-height: 1; }
.digits figure { grid-row: span 3; }
.digits img { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid var(--line); background: #000; display: block; }
.digits .confidence, .digits .runner-up { font-size: 0.85rem; }
.digits details { grid-column: 1 / -1; font-size: 0.85rem; }
.correction { grid-column: 1 / -1; font-size: 0.85rem; display: flex; flex-wrap: wrap; gap: 0.25rem 0.4rem; align-items: center; }
.correction input { width: 2.5ch; font: inherit; text-align: center; padding: 0.1rem; border: 1px solid var(--line); border-radius: 4px; }
.correction button { padding: 0.1rem 0.6rem; }
.correction-status { flex-basis: 100%; }
.bars { list-style: none; padding: 0; margin: 0.25rem 0 0; }
.bars li { display: grid; grid-template-columns: 1.5ch 1fr 5ch; gap: 0.4rem; align-items: center; font-size: 0.8rem; }
.bars .track { background: #e6e6e6; height: 0.6rem; border-radius: 3px; overflow: hidden; }
.bars .fill { display: block; height: 100%; width: 0; background: #5f6368; }
.bars li.best .fill { background: var(--accent); }
.bars .value { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 1.5rem; color: var(--muted); }
a { color: var(--accent); }
.docs code { background: #f1f3f4; padding: 0 0.2em; border-radius: 3px; overflow-wrap: anywhere; }
.docs pre { overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; background: #f8f9fa; padding: 0.5rem; font-size: 0.85rem; }
.docs table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.docs th, .docs td { border-top: 1px solid #d0d0d0; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.docs section { border-top: 1px solid var(--line); margin-top: 1rem; }
.docs h2 code { font-size: 1rem; }
`;
