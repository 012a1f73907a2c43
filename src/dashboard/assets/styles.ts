/** The dashboard's only stylesheet (served as an asset: the CSP allows no inline style). */
export const DASHBOARD_CSS = String.raw`
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1f2933; --muted: #6b7280; --line: #e3e6ea; --accent: #2563eb;
  --enqueued: #2563eb; --scheduled: #7c3aed; --awaiting: #0d9488; --processing: #d97706;
  --succeeded: #16a34a; --failed: #dc2626; --deleted: #6b7280;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; color: var(--text); background: var(--bg);
}
[hidden] { display: none !important; }
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 52px; background: #111827; color: #fff; }
header.top .brand { color: #fff; font-weight: 700; font-size: 16px; letter-spacing: .2px; }
header.top nav { display: flex; gap: 4px; flex: 1; }
header.top nav a { color: #cbd5e1; padding: 8px 12px; border-radius: 6px; }
header.top nav a:hover { background: #1f2937; color: #fff; text-decoration: none; }
header.top nav a.active { background: #374151; color: #fff; }
.top-right { display: flex; gap: 10px; align-items: center; }
.pill { background: #fde68a; color: #78350f; border-radius: 999px; padding: 2px 10px; font-size: 12px; font-weight: 600; }
.live-status { font-size: 12px; color: #86efac; }
.live-status::before { content: "● "; }
.live-status.offline { color: #fca5a5; }
.nav-count { display: inline-block; min-width: 18px; padding: 0 6px; margin-left: 4px; border-radius: 999px; background: var(--failed); color: #fff; font-size: 11px; text-align: center; }
.nav-count:empty, .nav-count[data-zero] { display: none; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 4px 0 16px; }
h2 { font-size: 15px; margin: 0 0 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; overflow-x: auto; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.columns > .panel { margin-bottom: 0; }
.columns { margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { display: flex; flex-direction: column; background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 8px; padding: 12px 14px; color: var(--text); }
.card:hover { text-decoration: none; border-color: #cbd5e1; }
.card-count { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .5px; }
.card-enqueued { border-left-color: var(--enqueued); } .card-scheduled { border-left-color: var(--scheduled); }
.card-awaiting { border-left-color: var(--awaiting); } .card-processing { border-left-color: var(--processing); }
.card-succeeded { border-left-color: var(--succeeded); } .card-failed { border-left-color: var(--failed); }
.card-deleted { border-left-color: var(--deleted); }
table { width: 100%; border-collapse: collapse; background: var(--panel); }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); background: #fafbfc; }
tbody tr:hover { background: #f9fafb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.select, th.select { width: 32px; }
.jobs, .recurring { border: 1px solid var(--line); border-radius: 8px; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.state { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; background: var(--muted); white-space: nowrap; }
.state-enqueued { background: var(--enqueued); } .state-scheduled { background: var(--scheduled); }
.state-awaiting { background: var(--awaiting); } .state-processing { background: var(--processing); }
.state-succeeded { background: var(--succeeded); } .state-failed { background: var(--failed); }
.state-deleted { background: var(--deleted); } .state-active { background: var(--succeeded); }
.state-paused { background: var(--processing); }
.tabs { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 12px; }
.tabs a { padding: 6px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); color: var(--text); }
.tabs a.active { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent) inset; }
.tab-count { font-variant-numeric: tabular-nums; color: var(--muted); margin-left: 2px; }
form.search { display: flex; gap: 8px; align-items: center; margin-bottom: 12px; }
form.search input[type=search] { flex: 0 1 420px; padding: 7px 10px; border: 1px solid #cbd5e1; border-radius: 6px; font: inherit; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #cbd5e1; background: #fff; color: var(--text); cursor: pointer; }
button:hover { background: #f3f4f6; }
button:disabled { opacity: .45; cursor: default; }
button.danger { color: var(--failed); border-color: #fecaca; }
button.danger:hover { background: #fef2f2; }
.toolbar { display: flex; gap: 8px; align-items: center; margin-bottom: 10px; }
.row-actions form { display: flex; gap: 6px; flex-wrap: wrap; }
.row-actions button { padding: 3px 8px; font-size: 12px; }
.pager { display: flex; gap: 14px; align-items: center; justify-content: flex-end; margin-top: 12px; }
.pager .disabled { color: #c0c4cc; }
.empty { padding: 28px; text-align: center; color: var(--muted); background: var(--panel); border: 1px dashed var(--line); border-radius: 8px; }
.notice { background: #ecfdf5; border: 1px solid #a7f3d0; color: #065f46; padding: 8px 12px; border-radius: 6px; }
.job-head { display: flex; align-items: center; gap: 10px; margin-bottom: 16px; }
.job-title { font-size: 16px; font-weight: 600; flex: 1; }
/* Names, ids and messages are the application's text: a long unbroken one wraps anywhere rather than widening the page
   (a table column or a flex item is otherwise as wide as its longest word); times stay on one line. */
.job-title, .job-name, .wrap, .error-message, .reason { overflow-wrap: anywhere; min-width: 0; }
time { white-space: nowrap; }
.job-head .actions { display: flex; gap: 8px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
pre.code { background: #f3f4f6; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 0 0 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; font-size: 12.5px; }
pre.code.inline { margin: 0; padding: 4px 8px; }
pre.stack { color: #7f1d1d; background: #fef2f2; border-color: #fecaca; }
.error-panel { border-color: #fecaca; }
.error-message { color: #991b1b; }
ol.history { list-style: none; margin: 0; padding: 0; border-left: 2px solid var(--line); }
.history-entry { position: relative; padding: 4px 0 14px 16px; }
.history-entry::before { content: ""; position: absolute; left: -6px; top: 8px; width: 10px; height: 10px; border-radius: 50%; background: #cbd5e1; }
.history-head { display: flex; gap: 10px; align-items: center; }
.reason { margin: 4px 0; }
.tag { display: inline-block; background: #eef2ff; color: #3730a3; border-radius: 4px; padding: 0 6px; font-size: 12px; }
.chart { height: 180px; }
.chart svg { width: 100%; height: 180px; display: block; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis-label { fill: var(--muted); font-size: 11px; }
.chart .line { fill: none; stroke-width: 2; }
.chart .line-succeeded { stroke: var(--succeeded); } .chart .line-failed { stroke: var(--failed); }
.chart .area-succeeded { fill: rgba(22, 163, 74, .10); stroke: none; }
.chart .hit { fill: transparent; } .chart .sample:hover .hit { fill: #f3f4f6; }
.chart .line, .chart .area-succeeded { pointer-events: none; }
.history-chart { width: 100%; height: auto; max-height: 220px; display: block; }
.history-chart .grid { stroke: var(--line); stroke-width: 1; }
.history-chart .axis-label { fill: var(--muted); font-size: 11px; }
.history-chart .hit { fill: transparent; }
.history-chart .bar:hover .hit { fill: #f3f4f6; }
.history-chart .bar-succeeded { fill: var(--succeeded); } .history-chart .bar-failed { fill: var(--failed); }
.history-numbers { margin-top: 8px; }
.history-numbers summary { cursor: pointer; color: var(--muted); }
.legend { color: var(--muted); margin: 8px 0 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 2px 0 8px; vertical-align: middle; }
.swatch.succeeded { background: var(--succeeded); } .swatch.failed { background: var(--failed); }
`;
