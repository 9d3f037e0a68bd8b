/** The file name of the shared stylesheet in the output folder. */
export const STYLE_FILE = "style.css";

export const STYLE_CSS = `:root {
  color-scheme: light dark;
  --bg: #f7f8fa;
  --fg: #1b1f24;
  --muted: #57606a;
  --card: #ffffff;
  --border: #d0d7de;
  --link: #0550ae;
  --ok-bg: #dafbe1;
  --ok-fg: #116329;
  --warn-bg: #fff1c2;
  --warn-fg: #7a4d00;
  --crit-bg: #ffe0de;
  --crit-fg: #a40e26;
  --na-bg: #eaeef2;
  --na-fg: #424a53;
  --row-alt: #f3f5f8;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --fg: #e6edf3;
    --muted: #9da7b3;
    --card: #161b22;
    --border: #30363d;
    --link: #6cb6ff;
    --ok-bg: #0f3d1f;
    --ok-fg: #7ee2a0;
    --warn-bg: #4a3500;
    --warn-fg: #f5d37a;
    --crit-bg: #5c1219;
    --crit-fg: #ffb3ad;
    --na-bg: #2d333b;
    --na-fg: #c5ced8;
    --row-alt: #1c2128;
  }
}

*,
*::before,
*::after {
  box-sizing: border-box;
}

[hidden] {
  display: none !important;
}

html {
  -webkit-text-size-adjust: 100%;
}

body {
  margin: 0;
  padding: 0 1rem 2rem;
  background: var(--bg);
  color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "Liberation Sans", sans-serif;
  font-size: 15px;
  line-height: 1.45;
}

main,
.topbar,
footer {
  max-width: 1400px;
  margin: 0 auto;
}

a {
  color: var(--link);
}

h1 {
  font-size: 1.6rem;
  margin: 0.6rem 0 0.2rem;
}

h2 {
  font-size: 1.2rem;
  margin: 1.8rem 0 0.6rem;
}

h3 {
  font-size: 1rem;
  margin: 1.2rem 0 0.4rem;
}

code,
.mono {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.9em;
}

.topbar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 1rem;
  padding: 0.6rem 0;
  border-bottom: 1px solid var(--border);
}

.topbar nav {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem 1rem;
  flex: 1 1 auto;
}

.refresh {
  display: flex;
  align-items: center;
  gap: 0.5rem;
  color: var(--muted);
  font-size: 0.9rem;
}

button,
select,
input {
  font: inherit;
  color: inherit;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 6px;
  padding: 0.25rem 0.6rem;
}

button {
  cursor: pointer;
}

button:focus-visible,
select:focus-visible,
input:focus-visible,
a:focus-visible {
  outline: 2px solid var(--link);
  outline-offset: 2px;
}

.meta {
  color: var(--muted);
  margin: 0.2rem 0;
}

.muted {
  color: var(--muted);
}

.summary {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem 1.5rem;
  margin: 0.6rem 0;
}

.card {
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 8px;
  padding: 0.8rem 1rem;
}

.card h3 {
  margin-top: 0;
}

h4 {
  font-size: 0.95rem;
  margin: 1rem 0 0.4rem;
}

.table-wrap {
  overflow-x: auto;
  -webkit-overflow-scrolling: touch;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 8px;
}

table {
  border-collapse: collapse;
  width: 100%;
}

th,
td {
  text-align: left;
  vertical-align: top;
  padding: 0.4rem 0.6rem;
  border-bottom: 1px solid var(--border);
}

th {
  font-weight: 600;
  white-space: nowrap;
  background: var(--card);
}

tbody tr:nth-child(even) {
  background: var(--row-alt);
}

td.num {
  text-align: right;
  white-space: nowrap;
  font-variant-numeric: tabular-nums;
}

td.nowrap,
.nowrap {
  white-space: nowrap;
}

.badge {
  display: inline-block;
  padding: 0.05rem 0.5rem;
  border-radius: 999px;
  font-size: 0.8rem;
  font-weight: 600;
  white-space: nowrap;
  background: var(--na-bg);
  color: var(--na-fg);
}

.badge.ok,
.badge.up,
.badge.resolved {
  background: var(--ok-bg);
  color: var(--ok-fg);
}

.badge.warning,
.badge.repeat {
  background: var(--warn-bg);
  color: var(--warn-fg);
}

.badge.critical,
.badge.down,
.badge.firing,
.badge.escalated {
  background: var(--crit-bg);
  color: var(--crit-fg);
}

.badge.unavailable,
.badge.unknown {
  background: var(--na-bg);
  color: var(--na-fg);
}

.sparklines {
  display: grid;
  grid-template-columns: repeat(2, max-content);
  gap: 0.3rem;
}

/* Sparklines keep their size; the table scrolls instead of squeezing them. */
.sparklines img {
  max-width: none;
}

img {
  max-width: 100%;
  height: auto;
}

.charts {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr));
  gap: 1rem;
}

figure {
  margin: 0;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 8px;
  padding: 0.6rem;
}

figcaption {
  color: var(--muted);
  font-size: 0.9rem;
  margin-bottom: 0.3rem;
}

.note {
  display: flex;
  align-items: center;
  justify-content: center;
  min-height: 6rem;
  color: var(--muted);
  font-style: italic;
}

dl.facts {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.2rem 1rem;
  margin: 0;
}

dl.facts dt {
  color: var(--muted);
}

dl.facts dd {
  margin: 0;
  overflow-wrap: anywhere;
}

.filters {
  display: flex;
  flex-wrap: wrap;
  align-items: end;
  gap: 0.6rem 1rem;
  margin: 0.6rem 0 1rem;
}

.filters label {
  display: flex;
  flex-direction: column;
  font-size: 0.85rem;
  color: var(--muted);
  gap: 0.2rem;
}

footer {
  margin-top: 2rem;
  color: var(--muted);
  font-size: 0.85rem;
}

@media (max-width: 640px) {
  body {
    padding: 0 0.5rem 1.5rem;
    font-size: 14px;
  }

  th,
  td {
    padding: 0.3rem 0.4rem;
  }

  dl.facts {
    grid-template-columns: 1fr;
  }

  dl.facts dd {
    margin-bottom: 0.4rem;
  }

  .charts {
    grid-template-columns: 1fr;
  }
}
`;
