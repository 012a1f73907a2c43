/**
 * The dashboard's only script (served as an asset: the CSP allows no inline
 * script). It polls the stats endpoint and the current page's live region,
 * draws the realtime chart, shows times relative to now, and manages job
 * selection. It only ever inserts markup the server rendered (and escaped),
 * and text through textContent.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var body = document.body;
  var statsUrl = body.getAttribute('data-stats');
  var pollMs = Math.max(500, Number(body.getAttribute('data-poll-ms')) || 2000);
  var live = document.getElementById('live');
  var status = document.getElementById('live-status');
  var chart = document.getElementById('chart');
  var SVG = 'http://www.w3.org/2000/svg';
  // v2: samples of the all-time counts (v1 held state counts, which expiration lowers).
  var KEY = 'mediator-jobs:samples:v2:' + statsUrl;
  var MAX_SAMPLES = 90;
  var lastFragment = null;
  var submitting = false;

  function loadSamples() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(KEY) || '[]');
      return Array.isArray(stored) ? stored : [];
    } catch (e) {
      return [];
    }
  }
  var samples = loadSamples();
  function saveSamples() {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(samples)); } catch (e) { /* storage full or disabled: the chart simply restarts */ }
  }

  function relative(ms) {
    var abs = Math.abs(ms);
    if (abs < 1000) return 'just now';
    var text = abs < 60000 ? Math.round(abs / 1000) + ' s' : abs < 3600000 ? Math.round(abs / 60000) + ' min' : abs < 86400000 ? Math.round(abs / 3600000) + ' h' : Math.round(abs / 86400000) + ' d';
    return ms < 0 ? text + ' ago' : 'in ' + text;
  }
  function refreshTimes() {
    var now = Date.now();
    var times = document.querySelectorAll('time[datetime]');
    for (var i = 0; i < times.length; i++) {
      var t = Date.parse(times[i].getAttribute('datetime'));
      if (!isNaN(t)) times[i].textContent = relative(t - now);
    }
  }

  function setStatus(ok, text) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('offline', !ok);
  }

  function updateCounts(stats) {
    var nodes = document.querySelectorAll('[data-count]');
    for (var i = 0; i < nodes.length; i++) {
      var value = stats[nodes[i].getAttribute('data-count')];
      if (typeof value !== 'number') continue;
      if (nodes[i].classList.contains('nav-count')) {
        nodes[i].textContent = value > 0 ? String(value) : '';
      } else {
        nodes[i].textContent = String(value);
      }
    }
  }

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    return node;
  }
  function duration(ms) {
    return ms < 60000 ? (Math.round(ms / 100) / 10) + ' s' : ms < 3600000 ? Math.round(ms / 60000) + ' min' : Math.round(ms / 360000) / 10 + ' h';
  }
  function clock(t) {
    var d = new Date(t);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return n < 10 ? '0' + n : String(n); }).join(':');
  }
  function tidy(v) {
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
  // Each sample is the difference of two all-time counts, so it covers the
  // real time between the two polls: usually one poll interval, but a
  // background tab, a laptop's sleep or failed polls stretch it to minutes.
  // Drawn as one interval's value, such a sample was a tall spike that
  // never happened. So every sample is drawn as a step across the time it
  // really covers, at its rate per poll interval (its count divided by the
  // number of intervals it spans, never by less than one): the area under
  // the line stays the number of jobs, a gap's jobs are spread over the gap,
  // and its exact numbers are in the step's tooltip.
  function drawChart() {
    if (!chart) return;
    var points = [];
    for (var i = 1; i < samples.length; i++) {
      var s = Math.max(0, samples[i].s - samples[i - 1].s);
      var f = Math.max(0, samples[i].f - samples[i - 1].f);
      var elapsed = Math.max(0, samples[i].t - samples[i - 1].t);
      var intervals = Math.max(1, elapsed / pollMs);
      points.push({ a: samples[i - 1].t, b: samples[i].t, s: s / intervals, f: f / intervals, count: { s: s, f: f, ms: elapsed } });
    }
    // One step is already a line (the page says the chart starts after two polls).
    if (points.length < 1) return;
    var width = 800, height = 180, left = 40, right = 8, top = 10, bottom = 22;
    var max = 0;
    points.forEach(function (p) { max = Math.max(max, p.s, p.f); });
    max = Math.max(1, Math.ceil(max));
    var t0 = points[0].a, t1 = points[points.length - 1].b;
    var span = Math.max(1, t1 - t0);
    function x(t) { return left + (width - left - right) * (t - t0) / span; }
    function y(v) { return top + (height - top - bottom) * (1 - v / max); }
    function steps(key) {
      var out = [];
      points.forEach(function (p) { out.push(x(p.a) + ',' + y(p[key]), x(p.b) + ',' + y(p[key])); });
      return out;
    }
    var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Jobs succeeded and failed per ' + duration(pollMs) });
    [0, 0.5, 1].forEach(function (f) {
      var v = max * f;
      svg.appendChild(el('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), 'class': 'grid' }));
      var label = el('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'class': 'axis-label' });
      label.textContent = tidy(v);
      svg.appendChild(label);
    });
    var ago = el('text', { x: left, y: height - 4, 'class': 'axis-label' });
    ago.textContent = relative(t0 - Date.now());
    svg.appendChild(ago);
    var nowLabel = el('text', { x: width - right, y: height - 4, 'text-anchor': 'end', 'class': 'axis-label' });
    nowLabel.textContent = 'now';
    svg.appendChild(nowLabel);
    points.forEach(function (p) {
      var g = el('g', { 'class': 'sample' });
      var title = el('title', {});
      title.textContent = clock(p.a) + '–' + clock(p.b) + ' (' + duration(p.count.ms) + '): ' + p.count.s + ' succeeded, ' + p.count.f + ' failed';
      g.appendChild(title);
      g.appendChild(el('rect', { x: x(p.a), y: top, width: Math.max(0, x(p.b) - x(p.a)), height: height - top - bottom, 'class': 'hit' }));
      svg.appendChild(g);
    });
    var area = steps('s');
    area.push(x(t1) + ',' + y(0), x(t0) + ',' + y(0));
    svg.appendChild(el('polygon', { points: area.join(' '), 'class': 'area-succeeded' }));
    svg.appendChild(el('polyline', { points: steps('s').join(' '), 'class': 'line line-succeeded' }));
    svg.appendChild(el('polyline', { points: steps('f').join(' '), 'class': 'line line-failed' }));
    chart.replaceChildren(svg);
  }

  function wireSelection() {
    var forms = document.querySelectorAll('form.job-list');
    for (var i = 0; i < forms.length; i++) wireForm(forms[i]);
  }
  function wireForm(form) {
    var all = form.querySelector('[data-select-all]');
    var boxes = form.querySelectorAll('input[type=checkbox][name=ids]');
    var buttons = form.querySelectorAll('[data-needs-selection]');
    var count = form.querySelector('[data-selection-count]');
    function update() {
      var selected = 0;
      for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) selected++;
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = selected === 0;
      if (count) count.textContent = selected === 0 ? '' : selected + ' selected';
      if (all) all.checked = selected > 0 && selected === boxes.length;
    }
    if (all) all.addEventListener('change', function () {
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
      update();
    });
    for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener('change', update);
    update();
  }

  document.addEventListener('submit', function () { submitting = true; });

  function busy() {
    if (submitting || !live) return true;
    if (live.querySelector('input[type=checkbox]:checked')) return true;
    var active = document.activeElement;
    return active !== null && active !== body && live.contains(active) && active.tagName !== 'A';
  }

  function pollStats() {
    if (!statsUrl) return Promise.resolve();
    return fetch(statsUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (stats) {
        updateCounts(stats);
        // The all-time counts only grow: expiration and retries lower the state counts.
        samples.push({ t: Date.now(), s: stats.allTime.succeeded, f: stats.allTime.failed });
        if (samples.length > MAX_SAMPLES) samples = samples.slice(samples.length - MAX_SAMPLES);
        saveSamples();
        drawChart();
        setStatus(true, 'live');
      });
  }

  function pollLive() {
    if (busy()) return Promise.resolve();
    return fetch(window.location.href, { credentials: 'same-origin', headers: { 'X-Dashboard-Fragment': '1' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (text) {
        if (text === lastFragment || busy()) return;
        lastFragment = text;
        live.innerHTML = text;
        wireSelection();
        refreshTimes();
      });
  }

  function tick() {
    Promise.all([pollStats(), pollLive()])
      .catch(function (error) { setStatus(false, 'offline (' + error.message + ')'); })
      .then(function () {
        refreshTimes();
        window.setTimeout(tick, pollMs);
      });
  }

  wireSelection();
  refreshTimes();
  drawChart();
  tick();
})();
`;
