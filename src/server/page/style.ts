/** The page's stylesheet, served as /assets/app.css. Colours meet WCAG AA contrast on white. */
export const PAGE_CSS = `:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --accent: #0b57d0; --line: #8a8a8a; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; }
.hint, .status { color: var(--muted); }
.error { color: #a50e0e; font-weight: 600; }
.dropzone { border: 2px dashed var(--line); border-radius: 8px; padding: 1rem; }
.dropzone.over { border-color: var(--accent); background: #eef3fd; }
.dropzone label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button:hover { background: #0842a0; }
.draw-row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.draw-side { flex: 1; min-width: 16rem; }
#pad { border: 2px solid var(--line); border-radius: 8px; background: #fff; touch-action: none; cursor: crosshair; width: 280px; height: 280px; }
.results { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 1rem; margin-top: 0.5rem; }
.result { border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem; }
.result h3 { font-size: 1rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.result .top { display: flex; gap: 0.75rem; align-items: center; }
.result .digit { font-size: 3rem; font-weight: 700; line-height: 1; min-width: 2ch; text-align: center; }
.result img { width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid var(--line); background: #000; }
.result img.source { object-fit: contain; background: #fff; }
.result.failed { border-color: #a50e0e; }
.result .source-missing { width: 84px; min-height: 84px; margin: 0; font-size: 0.8rem; color: var(--muted); border: 1px dashed var(--line); padding: 0.25rem; }
.bars { list-style: none; padding: 0; margin: 0.5rem 0 0; }
.bars li { display: grid; grid-template-columns: 1.5ch 1fr 4.5ch; gap: 0.4rem; align-items: center; font-size: 0.85rem; }
.bars .track { background: #e6e6e6; height: 0.7rem; border-radius: 3px; overflow: hidden; }
.bars .fill { display: block; height: 100%; width: 0; background: #5f6368; }
.bars li.best .fill { background: var(--accent); }
.bars .value { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 2rem; color: var(--muted); }
a { color: var(--accent); }
`;
