// Switchboard's jobs dashboard: plain DOM over the JSON job API, no framework, no build step.
//
// Security notes (the reasons behind the shape of this file):
// - Every string that comes from the server is written with textContent or setAttribute, never
//   parsed as HTML, so a job name, progress message or error cannot inject markup.
// - The bearer token lives in sessionStorage (this tab only, gone when it closes) and is sent only
//   to this origin; the page's Content-Security-Policy allows no other.
// - Nothing is shown until the API accepted the token: the page itself carries no data.
'use strict';

(() => {
  const TOKEN_KEY = 'switchboard.dashboard.token';
  const POLL_MS = 1000;
  /** Failed jobs change rarely: refreshed every few ticks, and right after a requeue. */
  const FAILED_EVERY = 3;
  /** The throughput graph and the workers panel: every other tick. */
  const STATS_EVERY = 2;
  const PAGE = 50;
  const HOUR = 3600;
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,
    queues: [],
    generation: 0,
    tick: 0,
    failedDirty: true,
    running: new Map(),
    failed: new Map(),
    /** Failed jobs per queue at the last look: the API lists oldest first, and the newest matter. */
    failedTotals: new Map(),
    /** The job type the graph shows alone, or null for all jobs. */
    graphJob: null,
    statsDirty: true,
  };

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** One call to the job API; resolves to the JSON body, or throws an ApiError with its reason. */
  async function api(path, { method = 'GET', allow = [] } = {}) {
    const headers = { Accept: 'application/json' };
    if (state.token) {
      headers.Authorization = 'Bearer ' + state.token;
    }
    let response;
    try {
      response = await fetch(path, { method, headers, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok && !allow.includes(response.status)) {
      const reason = body && typeof body.error === 'string' ? body.error : 'HTTP ' + response.status;
      throw new ApiError(response.status, reason);
    }
    return body || {};
  }

  const enc = encodeURIComponent;

  // ---- small DOM helpers: text only ---------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function setText(node, text) {
    const value = text === undefined || text === null ? '' : String(text);
    if (node.textContent !== value) {
      node.textContent = value;
    }
  }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) {
      return s + ' s';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    }
    if (s < 86400) {
      return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    }
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function ago(iso) {
    if (!iso) {
      return '—';
    }
    const seconds = (Date.now() - Date.parse(iso)) / 1000;
    if (!Number.isFinite(seconds)) {
      return '—';
    }
    return seconds < 1.5 ? 'just now' : duration(seconds) + ' ago';
  }

  function clock(iso) {
    const time = Date.parse(iso);
    return Number.isFinite(time) ? new Date(time).toLocaleString() : '';
  }

  function toast(message, kind) {
    const node = $('toast');
    node.textContent = message;
    node.className = 'toast ' + (kind || 'ok');
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => {
      node.hidden = true;
    }, 5000);
  }

  // ---- sign in and out ----------------------------------------------------------------------

  function showLogin(message) {
    $('app').hidden = true;
    $('session').hidden = true;
    $('login').hidden = false;
    const error = $('login-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('token').focus();
  }

  function signOut(message) {
    state.generation++;
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    state.running.clear();
    state.failed.clear();
    state.failedTotals.clear();
    $('running').replaceChildren();
    $('failed').replaceChildren();
    $('workers').tBodies[0].replaceChildren();
    $('job-types').tBodies[0].replaceChildren();
    $('throughput-chart').replaceChildren();
    state.graphJob = null;
    showLogin(message);
  }

  function loginMessage(error) {
    if (error.status === 401) {
      return 'This token was not accepted. Check that you pasted all of it, or ask an operator '
        + 'for your business\'s API token.';
    }
    if (error.status === 0) {
      return 'The server cannot be reached. Try again in a moment.';
    }
    return 'Sign-in failed: ' + error.message;
  }

  /** Checks the token against the API; on success shows the dashboard and starts polling. */
  async function signIn(token) {
    state.token = token;
    const health = await api('/api/jobs/health', { allow: [503] });
    const queues = Object.keys(health.queues || {});
    if (queues.length === 0) {
      throw new ApiError(503, health.error || 'the job store is unavailable');
    }
    // Health needs no token; a job listing does, so this is what rejects a wrong one.
    await api('/api/jobs?state=started&queue=' + enc(queues[0]) + '&limit=1');
    sessionStorage.setItem(TOKEN_KEY, token);
    state.queues = queues;
    state.failedDirty = true;
    state.statsDirty = true;
    $('login').hidden = true;
    $('app').hidden = false;
    $('session').hidden = false;
    $('token').value = '';
    const generation = ++state.generation;
    renderHealth(health);
    refresh(generation);
  }

  async function onSubmit(event) {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!token) {
      showLogin('Enter a bearer token.');
      return;
    }
    const button = $('sign-in');
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await signIn(token);
    } catch (error) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin(loginMessage(error));
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  }

  // ---- polling ------------------------------------------------------------------------------

  async function refresh(generation) {
    if (generation !== state.generation) {
      return;
    }
    const withFailed = state.failedDirty || state.tick % FAILED_EVERY === 0;
    state.tick++;
    try {
      const health = await api('/api/jobs/health', { allow: [503] });
      if (generation !== state.generation) {
        return;
      }
      renderHealth(health);
      const queues = state.queues;
      const running = await Promise.all(queues.map((queue) =>
        api('/api/jobs?state=started&queue=' + enc(queue) + '&limit=' + PAGE)));
      if (generation !== state.generation) {
        return;
      }
      renderRunning(running);
      if (state.statsDirty || state.tick % STATS_EVERY === 1) {
        state.statsDirty = false;
        const job = state.graphJob;
        const [stats, workers] = await Promise.all([
          api('/api/jobs/stats' + (job ? '?job=' + enc(job) : '')),
          api('/api/workers'),
        ]);
        if (generation !== state.generation) {
          return;
        }
        if (job === state.graphJob) {
          renderThroughput(stats);
        }
        renderWorkers(workers);
      }
      if (withFailed) {
        state.failedDirty = false;
        const failed = await Promise.all(queues.map((queue) => {
          const offset = Math.max(0, (state.failedTotals.get(queue) || 0) - PAGE);
          return api('/api/jobs?state=failed&queue=' + enc(queue) + '&offset=' + offset + '&limit=' + PAGE)
            .then((page) => {
              state.failedTotals.set(queue, page.total || 0);
              return page;
            });
        }));
        if (generation !== state.generation) {
          return;
        }
        renderFailed(failed);
      }
      setLive(true, 'Live · updated ' + new Date().toLocaleTimeString());
    } catch (error) {
      if (generation !== state.generation) {
        return;
      }
      if (error.status === 401) {
        signOut('Your token is no longer accepted. Sign in again.');
        return;
      }
      setLive(false, 'Reconnecting… (' + error.message + ')');
    }
    setTimeout(() => refresh(generation), POLL_MS);
  }

  function setLive(ok, text) {
    $('live').classList.toggle('stale', !ok);
    setText($('live-text'), text);
  }

  // ---- queues and scheduler -----------------------------------------------------------------

  function renderHealth(health) {
    const banner = $('banner');
    if (health.status === 'unhealthy') {
      banner.textContent = 'Unhealthy: ' + (health.error || 'see the scheduler and queues below');
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    if (health.queues) {
      state.queues = Object.keys(health.queues);
      renderQueues(health.queues);
    }
    if (health.scheduler) {
      renderScheduler(health.scheduler);
    }
  }

  function count(value, kind) {
    const cell = el('td', 'num', Number(value || 0).toLocaleString());
    if (value > 0 && kind) {
      cell.classList.add(kind);
    }
    return cell;
  }

  function renderQueues(queues) {
    const rows = Object.entries(queues).map(([name, q]) => {
      const row = el('tr');
      row.dataset.queue = name;
      const head = el('th', null);
      head.scope = 'row';
      head.append(el('span', 'pill queue', name));
      row.append(head, count(q.queued, 'is-queued'), count(q.started, 'is-started'),
        count(q.scheduled, 'is-scheduled'), count(q.failed, 'is-failed'), count(q.finished, 'is-finished'));
      const wait = q.oldest_queued_age_s;
      const cell = el('td', 'num', wait === null || wait === undefined ? '—' : duration(wait));
      if (wait > 60) {
        cell.classList.add('is-late');
      }
      row.append(cell);
      return row;
    });
    $('queues').tBodies[0].replaceChildren(...rows);
    for (const field of ['queued', 'started', 'scheduled', 'failed', 'finished']) {
      const total = Object.values(queues).reduce((sum, q) => sum + (Number(q[field]) || 0), 0);
      const tile = $('total-' + field);
      setText(tile, total.toLocaleString());
      tile.parentElement.classList.toggle('zero', total === 0);
    }
  }

  function renderScheduler(s) {
    const pill = $('scheduler-state');
    const never = !s.last_tick;
    setText(pill, never ? 'Never ticked' : s.stale ? 'Stale' : 'Healthy');
    pill.className = 'pill ' + (s.stale ? 'bad' : 'good');
    const tick = $('sched-tick');
    setText(tick, ago(s.last_tick));
    tick.title = s.last_tick ? clock(s.last_tick) : '';
    const lock = $('sched-lock');
    setText(lock, s.lock_held ? 'Held' : 'Free (no leader)');
    lock.className = s.lock_held ? 'good-text' : 'warn-text';
    setText($('sched-owner'), s.lock_owner || '—');
    setText($('sched-ttl'), s.lock_ttl === null || s.lock_ttl === undefined ? '—' : s.lock_ttl.toFixed(1) + ' s');
  }

  // ---- job lists, keyed by id so rows (and open error details) survive each refresh -----------

  function reconcile(list, rows, jobs, build, update) {
    const seen = new Set();
    jobs.forEach((job, index) => {
      seen.add(job.id);
      let row = rows.get(job.id);
      if (!row) {
        row = build(job);
        rows.set(job.id, row);
      }
      update(row, job);
      if (list.children[index] !== row) {
        list.insertBefore(row, list.children[index] || null);
      }
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
  }

  function jobHead(job, parts) {
    const title = el('div', 'job-title');
    parts.name = el('span', 'job-name', job.name);
    parts.queue = el('span', 'pill queue', job.queue);
    title.append(parts.name, parts.queue);
    const meta = el('div', 'job-meta');
    parts.id = el('span', 'mono', job.id);
    parts.business = el('span', null, job.business_id);
    parts.when = el('span', null);
    meta.append(parts.id, parts.business, parts.when);
    return [title, meta];
  }

  function byTime(field) {
    const time = (job) => Date.parse(job[field]) || 0;
    return (a, b) => time(a) - time(b) || String(a.id).localeCompare(String(b.id));
  }

  function renderRunning(pages) {
    const jobs = pages.flatMap((page) => page.jobs || []).sort(byTime('started_at'));
    reconcile($('running'), state.running, jobs, buildRunning, updateRunning);
    setText($('running-count'), jobs.length);
    $('running-empty').hidden = jobs.length > 0;
  }

  function buildRunning(job) {
    const row = el('li', 'job running');
    row.dataset.jobId = job.id;
    const parts = {};
    const main = el('div', 'job-main');
    main.append(...jobHead(job, parts));
    const progress = el('div', 'progress');
    parts.bar = el('div', 'bar');
    parts.bar.setAttribute('role', 'progressbar');
    parts.bar.setAttribute('aria-valuemin', '0');
    parts.bar.setAttribute('aria-valuemax', '100');
    parts.bar.setAttribute('aria-label', 'Progress of ' + job.name);
    parts.fill = el('div', 'fill');
    parts.bar.append(parts.fill);
    const text = el('div', 'progress-text');
    parts.message = el('span', 'progress-message');
    parts.percent = el('span', 'progress-percent');
    text.append(parts.message, parts.percent);
    progress.append(parts.bar, text);
    row.append(main, progress);
    row.parts = parts;
    return row;
  }

  function updateRunning(row, job) {
    const parts = row.parts;
    const progress = Math.max(0, Math.min(100, Number(job.progress) || 0));
    parts.fill.style.width = progress + '%';
    parts.bar.setAttribute('aria-valuenow', String(progress));
    setText(parts.message, job.progress_message || 'working…');
    setText(parts.percent, progress + '%');
    setText(parts.when, 'started ' + ago(job.started_at) + (job.worker ? ' on ' + job.worker : ''));
  }

  function renderFailed(pages) {
    const jobs = pages.flatMap((page) => page.jobs || []).sort(byTime('ended_at')).reverse();
    const total = pages.reduce((sum, page) => sum + (page.total || 0), 0);
    reconcile($('failed'), state.failed, jobs, buildFailed, updateFailed);
    setText($('failed-count'), total.toLocaleString());
    $('failed-empty').hidden = jobs.length > 0;
    const more = $('failed-more');
    setText(more, 'Showing the newest ' + jobs.length.toLocaleString() + ' of ' + total.toLocaleString()
      + ' failed jobs (at most ' + PAGE + ' per queue).');
    more.hidden = total <= jobs.length;
  }

  function buildFailed(job) {
    const row = el('li', 'job failed');
    row.dataset.jobId = job.id;
    const parts = {};
    const main = el('div', 'job-main');
    main.append(...jobHead(job, parts));
    parts.error = el('p', 'error-line');
    parts.details = el('details', 'error-details');
    parts.details.append(el('summary', null, 'Full error'));
    parts.full = el('pre', 'error-full');
    parts.details.append(parts.full);
    main.append(parts.error, parts.details);
    const actions = el('div', 'actions');
    parts.button = el('button', 'button requeue', 'Requeue');
    parts.button.type = 'button';
    parts.button.addEventListener('click', () => requeue(job.id, row));
    parts.status = el('span', 'action-status');
    actions.append(parts.button, parts.status);
    row.append(main, actions);
    row.parts = parts;
    return row;
  }

  function updateFailed(row, job) {
    const parts = row.parts;
    const error = (job.error || '').trim();
    const lines = error.split('\n');
    setText(parts.error, lines[0] || 'No error was recorded.');
    setText(parts.full, error);
    parts.details.hidden = lines.length < 2;
    const attempts = job.attempts === 1 ? '1 attempt' : job.attempts + ' attempts';
    setText(parts.when, 'failed ' + ago(job.ended_at) + ' after ' + attempts);
  }

  async function requeue(id, row) {
    const parts = row.parts;
    parts.button.disabled = true;
    setText(parts.button, 'Requeuing…');
    setText(parts.status, '');
    try {
      await api('/api/jobs/' + enc(id) + '/requeue', { method: 'POST' });
      row.classList.add('requeued');
      setText(parts.button, 'Requeued');
      setText(parts.status, 'back on its queue');
      toast('Job ' + id + ' requeued.', 'ok');
      state.failedDirty = true;
    } catch (error) {
      if (error.status === 401) {
        signOut('Your token is no longer accepted. Sign in again.');
        return;
      }
      parts.button.disabled = false;
      setText(parts.button, 'Requeue');
      setText(parts.status, 'Could not requeue: ' + error.message);
      toast('Could not requeue ' + id + ': ' + error.message, 'bad');
    }
  }

  // ---- workers ------------------------------------------------------------------------------

  function renderWorkers(body) {
    const workers = body.workers || [];
    const rows = workers.map((worker) => {
      const row = el('tr', 'worker');
      row.dataset.worker = worker.name;
      const name = el('th', 'mono');
      name.scope = 'row';
      name.append(el('span', 'dot' + (worker.state === 'busy' ? ' busy' : '')), el('span', null, worker.name));
      const queues = el('td');
      for (const queue of worker.queues || []) {
        queues.append(el('span', 'pill queue', queue));
      }
      const job = el('td', 'current-job');
      if (worker.current_job) {
        job.append(el('span', 'job-name', worker.current_job.name), el('span', 'mono job-id', worker.current_job.id));
      } else {
        job.append(el('span', 'muted', worker.state === 'busy' ? 'busy (another business\'s job)' : 'idle'));
      }
      const since = el('td', 'since', worker.since ? ago(worker.since) : '—');
      since.title = worker.since ? clock(worker.since) : '';
      row.append(name, el('td', 'host', worker.host), queues, job, since);
      return row;
    });
    $('workers').tBodies[0].replaceChildren(...rows);
    setText($('workers-count'), (body.total || 0).toLocaleString());
    $('workers-empty').hidden = rows.length > 0;
  }

  // ---- throughput graph ---------------------------------------------------------------------

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, String(value));
    }
    return node;
  }

  /** One point per second of the last hour, as an SVG polyline's points (x 0..900, y 200..0). */
  function line(seconds, now, peak, index) {
    const points = [];
    const width = 900;
    const height = 200;
    const y = (value) => (height - (value / peak) * (height - 10)).toFixed(1);
    let previous = now - HOUR;
    points.push('0,' + height);
    for (const point of seconds) {
      const at = point[0];
      if (at <= now - HOUR || at > now) {
        continue;
      }
      if (at - previous > 1) {
        // Seconds with nothing settled are left out by the server: draw them as zero.
        points.push(((previous + 1 - (now - HOUR)) / HOUR * width).toFixed(1) + ',' + height);
        points.push(((at - 1 - (now - HOUR)) / HOUR * width).toFixed(1) + ',' + height);
      }
      points.push(((at - (now - HOUR)) / HOUR * width).toFixed(1) + ',' + y(point[index]));
      previous = at;
    }
    points.push(((previous + 1 - (now - HOUR)) / HOUR * width).toFixed(1) + ',' + height);
    points.push(width + ',' + height);
    return points.join(' ');
  }

  function renderThroughput(stats) {
    const timeline = stats.timeline || [];
    const now = Number(stats.now) || Math.floor(Date.now() / 1000);
    const peak = Math.max(1, ...timeline.map((p) => p[1]));
    const processed = timeline.reduce((sum, p) => sum + p[1], 0);
    const failed = timeline.reduce((sum, p) => sum + p[2], 0);
    const chart = $('throughput-chart');
    const grid = [0.25, 0.5, 0.75].map((f) => svg('line', { class: 'grid', x1: 0, x2: 900, y1: 200 * f, y2: 200 * f }));
    chart.replaceChildren(...grid,
      svg('polyline', { class: 'processed', points: line(timeline, now, peak, 1) }),
      svg('polyline', { class: 'failed', points: line(timeline, now, peak, 2) }));
    chart.dataset.processed = String(processed);
    chart.dataset.failed = String(failed);
    chart.dataset.job = stats.job || '';
    setText($('throughput-peak'), 'peak ' + peak.toLocaleString() + '/s');
    setText($('throughput-job'), stats.job ? stats.job : 'all jobs');
    setText($('throughput-summary'), processed.toLocaleString() + ' processed, ' + failed.toLocaleString()
      + ' failed in the last hour');
    $('throughput-all').hidden = !stats.job;
    renderJobTypes(stats.jobs || [], stats.job);
  }

  function renderJobTypes(jobs, selected) {
    const rows = jobs.filter((job) => job.processed > 0 || job.name === selected).map((job) => {
      const row = el('tr');
      row.dataset.job = job.name;
      row.classList.toggle('selected', job.name === selected);
      const name = el('th', 'mono', job.name);
      name.scope = 'row';
      row.append(name, count(job.processed, null), count(job.failed, 'is-failed'),
        el('td', 'num', job.average_ms === null || job.average_ms === undefined ? '—' : job.average_ms + ' ms'));
      row.addEventListener('click', () => showJob(job.name === state.graphJob ? null : job.name));
      return row;
    });
    $('job-types').tBodies[0].replaceChildren(...rows);
  }

  function showJob(name) {
    state.graphJob = name;
    state.statsDirty = true;
    setText($('throughput-job'), name ? name + ' (loading…)' : 'all jobs');
  }

  // ---- start --------------------------------------------------------------------------------

  function start() {
    $('login-form').addEventListener('submit', onSubmit);
    $('sign-out').addEventListener('click', () => signOut());
    $('throughput-all').addEventListener('click', () => showJob(null));
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (!saved) {
      showLogin();
      return;
    }
    signIn(saved).catch((error) => signOut(loginMessage(error)));
  }

  start();
})();
