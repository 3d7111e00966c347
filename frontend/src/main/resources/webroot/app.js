// Apex browser chat. Plain ES2020, no framework, no build step. docs/CHAT.md describes the screens.
// Protocol: bus-contracts/src/main/resources/schemas/browser/*.json and run/run-event.json.
// Everything put into the page is set with textContent, except the answer's markdown, which is
// rendered by marked and then sanitized by DOMPurify before it reaches innerHTML. Charts are drawn
// by Chart.js (WebJar), on canvases that also carry a text description and a data table.
'use strict';

(() => {
  const SESSION_KEY = 'apex.session';
  const PASSWORD_MIN_SIGNUP = 10;
  const MESSAGE_MAX = 4000; // client-frame.json: user_message.text maxLength
  const PING_INTERVAL_MS = 25000;
  const ACCEPT_TIMEOUT_MS = 20000;
  // Reconnect: exponential backoff from 1 s, capped at 30 s, with "equal jitter" (half the delay
  // fixed, half random) so that many tabs dropped by one server restart do not return in step.
  const BACKOFF_BASE_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const RUN_EVENT_TYPES = new Set(['agent_started', 'agent_thinking', 'tool_executing',
    'tool_completed', 'agent_completed', 'run_completed', 'run_failed']);
  const AGENTS = ['supervisor', 'triage', 'data', 'optimizer', 'report'];
  const STAGES = ['triage', 'data', 'optimizer', 'report'];
  const AGENT_ROLES = {
    supervisor: 'Runs the stages in order and keeps the thread.',
    triage: 'Reads the question and checks how much usage data covers it.',
    data: 'Runs the SQL analyses over your usage rows.',
    optimizer: 'Prices the savings levers against the pricing catalog.',
    report: 'Writes the answer and the action plan.',
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    loginView: $('login-view'), loginForm: $('login-form'),
    email: $('email'), password: $('password'),
    authError: $('auth-error'), loginSubmit: $('login-submit'), signupSubmit: $('signup-submit'),
    sessionBar: $('session-bar'), status: $('status'), statusDetail: $('status-detail'), who: $('who'),
    newChat: $('new-chat'), logout: $('logout'), historyLink: document.querySelector('.history-link'),
    chatView: $('chat-view'), main: $('main'), sidebar: $('sidebar'), alerts: $('alerts'),
    welcome: $('new-chat-view'), examples: $('examples'), conversation: $('conversation'),
    composer: $('composer'), message: $('message'), send: $('send'), announcer: $('announcer'),
    threads: $('threads'), threadsEmpty: $('threads-empty'),
    dropZone: $('main'), dropHint: $('drop-hint'),
    uploadInput: $('upload-input'), uploadButton: $('upload-button'),
    uploadProgress: $('upload-progress'), uploadPercent: $('upload-percent'),
    uploadStatus: $('upload-status'), uploadServer: $('upload-server'), uploadResult: $('upload-result'),
    uploads: $('uploads'), uploadsEmpty: $('uploads-empty'), uploadsTitle: $('uploads-title'),
  };

  // ---------------------------------------------------------------- state

  // {access_token, user_id, email, expires_at, refresh_at, refresh_token, refresh_expires_at}
  // (times in epoch ms), mirrored in sessionStorage under SESSION_KEY.
  let session = null;

  const conn = {
    ws: null,
    generation: 0,             // bumped by disconnect(), so a connect() in flight knows to give up
    fetchingTicket: false,
    ready: false,              // true between connection_ready and close
    intentionalClose: false,
    attempt: 0,                // failed attempts since the last connection_ready (backoff exponent)
    everConnected: false,
    reconnectTimer: null,
    pingTimer: null,
    renewing: false,           // reconnecting after token_expired
    socketToken: null,         // the access token the current socket's ticket was bought with
    resyncTimer: null,         // re-send after a frame-level rate_limited
  };

  const chat = {
    threadId: null,            // the open thread; set by run_accepted for a new chat
    openGeneration: 0,         // a late answer about a thread no longer open is dropped
    pending: null,             // {frame, turn, timer, resent}: sent, waiting for run_accepted
    turnsByClientMsgId: new Map(),
    runs: new Map(),           // run_id -> run view (see ensureRun)
    charts: [],                // Chart instances of the open conversation, destroyed on close
    // Messages sent just before "New chat" or a switch of thread: their run_accepted still
    // arrives on this socket and must not pull the old run into the new view.
    dismissedMsgIds: new Set(),
    threadsTimer: null,
  };

  // ---------------------------------------------------------------- helpers

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // crypto.randomUUID exists only in secure contexts (https or localhost); getRandomValues works
  // everywhere, so a page opened over plain http on a LAN address can still send messages.
  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function clock(ts) {
    const d = ts ? new Date(ts) : new Date();
    if (Number.isNaN(d.getTime())) return String(ts);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }

  function duration(ms) {
    if (typeof ms !== 'number') return '';
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  }

  function truncate(s, max) {
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  }

  // A one-line summary of a parameters/result object: `window=30d, models=[3 items], …`.
  function summarize(value, max = 140) {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'object') return truncate(String(value), max);
    const parts = Object.entries(value).map(([k, v]) => `${k}=${scalar(v)}`);
    return truncate(parts.join(', '), max);
  }

  function scalar(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return truncate(v, 40);
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) {
      const flat = v.every((x) => x === null || typeof x !== 'object');
      return flat && v.length <= 3 ? `[${v.map(scalar).join(', ')}]` : `[${v.length} items]`;
    }
    return truncate(JSON.stringify(v), 40);
  }

  // ---------------------------------------------------------------- REST

  class ApiError extends Error {
    constructor(status, code, message, retryAfterMs) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfterMs = retryAfterMs; // set on 429 rate_limited
    }
  }

  // How long a 429 asks us to wait: the body's retry_after_ms, else the Retry-After header
  // (seconds), else one second.
  function retryAfterOf(res, err) {
    const ms = Number(err && err.retry_after_ms);
    if (Number.isFinite(ms) && ms >= 0) return ms;
    const secs = Number(res.headers.get('Retry-After'));
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    return 1000;
  }

  function seconds(ms) {
    return Math.max(1, Math.ceil(ms / 1000));
  }

  // One call (POST unless `method` says otherwise), no retries. `token` goes into Authorization;
  // a 204 answers null.
  async function request(path, { method = 'POST', body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin', cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check that Apex is running.');
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw new ApiError(res.status, err.code || `HTTP_${res.status}`,
        err.message || `The server answered ${res.status}.`,
        res.status === 429 ? retryAfterOf(res, err) : undefined);
    }
    return data;
  }

  function isStaleTokenError(e) {
    return e instanceof ApiError && e.status === 401 && (e.code === 'unauthorized' || e.code === 'token_expired');
  }

  // A call with the session's access token. A 401 `unauthorized` (or `token_expired`) while a
  // refresh token is stored refreshes once (shared with any refresh already in flight) and
  // retries the call once.
  async function authedApi(path, opts = {}) {
    if (!session) throw new ApiError(401, 'unauthorized', 'Not logged in.');
    const used = session.access_token;
    try {
      return await request(path, { ...opts, token: used });
    } catch (e) {
      if (!isStaleTokenError(e) || !session || !session.refresh_token) throw e;
      // Another path may have refreshed while this call was out: then just use the new token.
      if (session.access_token === used) await refreshSession();
      if (!session) throw e;
      return request(path, { ...opts, token: session.access_token });
    }
  }

  // ---------------------------------------------------------------- session

  const SESSION_ENDED = 'Your session ended; please log in again.';
  const SIGNED_OUT = 'You were signed out.';
  const ACCESS_TTL_DEFAULT_S = 900;
  const REFRESH_AT = 0.8;            // refresh when 80% of the access token's life has passed
  const REFRESH_RETRY_MS = 10000;    // after a refresh that failed without a 401
  const EXPIRY_MARGIN_MS = 5000;     // an access token this close to expiry counts as expired

  const auth = {
    epoch: 0,                  // bumped whenever the session ends: late refresh answers are dropped
    refreshing: null,          // the one refresh request in flight (its promise), or null
    refreshTimer: null,
  };

  function loadSession() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (s && s.access_token) {
        const now = Date.now();
        const accessOk = !s.expires_at || s.expires_at > now;
        const refreshOk = Boolean(s.refresh_token) && (!s.refresh_expires_at || s.refresh_expires_at > now);
        if (accessOk || refreshOk) return s;
      }
    } catch (e) { /* unreadable storage: start logged out */ }
    try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    return null;
  }

  // Stores a token response (login, signup or refresh) and schedules the next refresh.
  function saveSession(tokens, email) {
    const now = Date.now();
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : ACCESS_TTL_DEFAULT_S;
    const refreshIn = Number(tokens.refresh_expires_in);
    session = {
      access_token: tokens.access_token,
      user_id: tokens.user_id || (session && session.user_id) || null,
      email,
      expires_at: now + expiresIn * 1000,
      refresh_at: now + expiresIn * 1000 * REFRESH_AT,
      // Refresh tokens rotate: the one just used is spent, so never keep an old one.
      refresh_token: tokens.refresh_token || null,
      refresh_expires_at: refreshIn > 0 ? now + refreshIn * 1000 : null,
    };
    try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)); } catch (e) { /* memory only */ }
    scheduleRefresh();
  }

  function accessExpiringSoon() {
    return Boolean(session && session.expires_at && session.expires_at - Date.now() < EXPIRY_MARGIN_MS);
  }

  function scheduleRefresh(delayMs) {
    clearTimeout(auth.refreshTimer);
    auth.refreshTimer = null;
    if (!session || !session.refresh_token) return;
    let delay = delayMs;
    if (delay === undefined) {
      const at = session.refresh_at || (session.expires_at ? session.expires_at - 60000 : Date.now());
      delay = Math.max(0, at - Date.now());
    }
    auth.refreshTimer = setTimeout(onRefreshTimer, delay);
  }

  function onRefreshTimer() {
    auth.refreshTimer = null;
    if (!session) return;
    refreshSession().catch((e) => {
      // A 401 already ended the session; anything else is transient: try again while the
      // refresh token lasts (a connect that needs a fresh token will also try on its own).
      if (!session || e.status === 401) return;
      scheduleRefresh(e.status === 429 ? e.retryAfterMs : REFRESH_RETRY_MS);
    });
  }

  // POST /api/auth/refresh. Only one is ever in flight: a second use of the same refresh token
  // would revoke the whole session, so every caller shares the same promise. Resolves with the
  // token response; a 401 ends the session (back to the login screen) before rejecting.
  function refreshSession() {
    if (auth.refreshing) return auth.refreshing;
    if (!session || !session.refresh_token) {
      return Promise.reject(new ApiError(401, 'unauthorized', 'No refresh token.'));
    }
    const epoch = auth.epoch;
    const { email, refresh_token: refreshToken } = session;
    const promise = (async () => {
      try {
        const tokens = await request('/api/auth/refresh', { body: { refresh_token: refreshToken } });
        if (!tokens || !tokens.access_token) throw new ApiError(0, 'bad_response', 'The refresh answer had no token.');
        if (epoch === auth.epoch && session) saveSession(tokens, email);
        return tokens;
      } catch (e) {
        if (e.status === 401 && epoch === auth.epoch && session) endSession(SESSION_ENDED);
        throw e;
      }
    })();
    auth.refreshing = promise;
    const done = () => { if (auth.refreshing === promise) auth.refreshing = null; };
    promise.then(done, done);
    return promise;
  }

  // Ends the session on this page only (expired, revoked, or after Log out).
  function endSession(reason) {
    session = null;
    auth.epoch += 1;
    auth.refreshing = null;
    clearTimeout(auth.refreshTimer);
    auth.refreshTimer = null;
    try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    disconnect();
    resetChat();
    resetUploads();
    showLogin(reason);
  }

  // Log out: POST /api/auth/logout (best effort), then close the socket with 1000. Local state
  // is cleared at once, whatever the server answers.
  async function logOut() {
    const s = session;
    if (!s) return;
    const inFlight = auth.refreshing;
    const ws = conn.ws;
    conn.ws = null; // detached: its close must not trigger a reconnect, and disconnect() leaves it open
    endSession('');
    try {
      await Promise.race([revokeOnServer(s, inFlight), new Promise((r) => setTimeout(r, 4000))]);
    } catch (e) { /* best effort */ }
    if (ws) { try { ws.close(1000, 'logout'); } catch (e) { /* already closed */ } }
  }

  async function revokeOnServer(s, inFlight) {
    let tokens = { access_token: s.access_token, refresh_token: s.refresh_token };
    if (inFlight) { // a refresh was out: its answer holds the live refresh token
      try { tokens = await inFlight; } catch (e) { /* keep the old pair */ }
    }
    // Logout ends the whole login session the access token belongs to; it needs no body.
    try {
      await request('/api/auth/logout', { token: tokens.access_token });
    } catch (e) {
      if (!isStaleTokenError(e) || !tokens.refresh_token) return;
      // Access token expired: refresh once, then log out with the new access token.
      const fresh = await request('/api/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
      await request('/api/auth/logout', { token: fresh.access_token });
    }
  }


  // ---------------------------------------------------------------- views

  function showLogin(reason) {
    el.chatView.hidden = true;
    el.sessionBar.hidden = true;
    el.loginView.hidden = false;
    el.authError.textContent = reason || '';
    el.password.value = '';
    setAuthButtons(false);
    if (lockout.timer) tickLockout(); // a lockout still running keeps its message and the buttons off
    (el.email.value ? el.password : el.email).focus();
  }

  function showChat() {
    el.loginView.hidden = true;
    el.chatView.hidden = false;
    el.sessionBar.hidden = false;
    el.who.textContent = session.email || '';
    el.who.title = session.email ? `Signed in as ${session.email}` : '';
    connect();
    loadThreads();
    loadUploads();
    const threadId = threadFromHash();
    if (threadId) openThread(threadId);
    else showWelcome();
    el.message.focus();
  }

  function setAuthButtons(disabled) {
    el.loginSubmit.disabled = disabled;
    el.signupSubmit.disabled = disabled;
  }

  // A 429 on login/signup: too many attempts for this account or address. Both buttons stay
  // disabled, and #auth-error counts down, until the server's retry_after_ms has passed.
  const lockout = { until: 0, timer: null };

  function startLockout(ms) {
    lockout.until = Date.now() + ms;
    clearInterval(lockout.timer);
    lockout.timer = setInterval(tickLockout, 250);
    tickLockout();
  }

  function tickLockout() {
    const left = lockout.until - Date.now();
    if (left <= 0) {
      clearInterval(lockout.timer);
      lockout.timer = null;
      setAuthButtons(false);
      el.authError.textContent = '';
      return;
    }
    setAuthButtons(true);
    const text = `Too many attempts. Try again in ${seconds(left)} s.`;
    if (el.authError.textContent !== text) el.authError.textContent = text;
  }

  // One form, two submit buttons: Enter in a field (no submitter, or #login-submit) logs in,
  // #signup-submit creates the account with the same fields.
  async function onLoginSubmit(event) {
    event.preventDefault();
    if (lockout.timer) return undefined; // locked out by a 429: the countdown says until when
    const signup = event.submitter === el.signupSubmit;
    const email = el.email.value.trim();
    const password = el.password.value;
    if (!email || !email.includes('@')) return authError('Enter your email address.', el.email);
    if (!password) return authError('Enter your password.', el.password);
    if (signup && password.length < PASSWORD_MIN_SIGNUP) {
      return authError(`Choose a password of at least ${PASSWORD_MIN_SIGNUP} characters.`, el.password);
    }
    setAuthButtons(true);
    el.authError.textContent = '';
    try {
      const tokens = await request(signup ? '/api/auth/signup' : '/api/auth/login', { body: { email, password } });
      if (!tokens || !tokens.access_token) throw new ApiError(0, 'bad_response', 'The server sent no token.');
      auth.epoch += 1; // an answer to a refresh of an earlier session must not overwrite this one
      auth.refreshing = null;
      saveSession(tokens, email);
      el.password.value = '';
      showChat();
    } catch (e) {
      if (e.status === 429) {
        startLockout(e.retryAfterMs);
        return undefined;
      }
      let text = e.message;
      if (e.status === 401 && !signup) text = 'Wrong email or password.';
      else if (e.status === 409) text = 'An account with this email exists already: log in instead.';
      authError(text, el.password);
    } finally {
      if (!lockout.timer) setAuthButtons(false);
    }
    return undefined;
  }

  function authError(text, focus) {
    el.authError.textContent = text;
    if (focus) focus.focus();
  }

  function announce(text) {
    // Cleared first so that the same sentence twice is read twice.
    el.announcer.textContent = '';
    setTimeout(() => { el.announcer.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------- connection

  // #status's data-state is one of connected, reconnecting, offline (a test compares it exactly);
  // its text is the same for a person, and the why goes beside it.
  const STATUS_TEXT = { connected: 'Connected', reconnecting: 'Connecting…', offline: 'Offline' };

  function setStatus(state, detail) {
    el.status.dataset.state = state;
    el.status.textContent = state === 'reconnecting' && conn.everConnected ? 'Reconnecting…' : STATUS_TEXT[state];
    el.statusDetail.textContent = detail || '';
    updateSendEnabled();
  }

  function wsUrl(ticket) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}/ws?ticket=${encodeURIComponent(ticket)}`;
  }

  async function connect() {
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = null;
    if (!session || conn.ws || conn.fetchingTicket) return;
    if (navigator.onLine === false) { // the 'online' event connects again
      setStatus('offline', 'no network');
      return;
    }
    const generation = conn.generation;
    conn.intentionalClose = false;
    setStatus('reconnecting', conn.renewing ? 'renewing the session' : '');
    let ticket;
    let socketToken;
    conn.fetchingTicket = true;
    try {
      // An access token at (or past) its expiry cannot buy a ticket: renew it first.
      if (accessExpiringSoon() && session.refresh_token) await refreshSession();
      if (generation !== conn.generation || !session) return;
      // Tickets are single use: every (re)connect asks for a fresh one.
      ticket = (await authedApi('/api/ws-ticket')).ticket;
      socketToken = session && session.access_token;
    } catch (e) {
      if (generation !== conn.generation || !session) return; // includes a refresh 401: already at login
      if (e.status === 429) { // rate limited: wait as long as the server asks, then try again
        const wait = e.retryAfterMs;
        setStatus('reconnecting', `rate limited; retrying in ${seconds(wait)} s`);
        conn.reconnectTimer = setTimeout(connect, wait);
        return;
      }
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      scheduleReconnect(e.message);
      return;
    } finally {
      conn.fetchingTicket = false;
    }
    if (generation !== conn.generation || !session || conn.ws) return;
    const ws = new WebSocket(wsUrl(ticket));
    conn.ws = ws;
    conn.socketToken = socketToken;
    ws.addEventListener('message', (ev) => { if (conn.ws === ws) onFrameText(ev.data); });
    ws.addEventListener('close', (ev) => onSocketClose(ws, ev));
  }

  // The socket is gone (or about to go): stop using it and hold the unacknowledged message.
  function socketLost() {
    conn.ws = null;
    conn.ready = false;
    clearInterval(conn.pingTimer);
    if (chat.pending) { // its acknowledgement cannot come now; it is sent again on reconnect
      clearTimeout(chat.pending.timer);
      setTurnStatus(chat.pending.turn, 'Waiting for the connection…');
    }
    for (const run of chat.runs.values()) updateStopButton(run);
    updateSendEnabled();
  }

  function onSocketClose(ws, ev) {
    if (conn.ws !== ws) return;
    if (conn.intentionalClose || !session) {
      socketLost();
      setStatus('offline');
      return;
    }
    // The server names auth failures in the close reason (`<code>: <message>`); normally an
    // error frame has said so already, but a close alone must be understood too.
    const reasonCode = String(ev.reason || '').split(':')[0].trim();
    if (reasonCode === 'token_revoked') { endSession(SIGNED_OUT); return; }
    if (reasonCode === 'token_expired') { renewAndReconnect(); return; }
    socketLost();
    const why = ev.code === 1008 ? 'refused by the server' : ev.code === 1009 ? 'message too big' : 'connection lost';
    scheduleReconnect(why);
  }

  // `token_expired` on the socket: the server is about to close it. Refresh the access token
  // (unless it was refreshed since this socket opened), get a new ticket, reconnect; the
  // connection_ready handler then re-sends an unacknowledged message and resumes every unfinished
  // run after its last contiguous seq, and duplicates are dropped by seq, as on any reconnect.
  async function renewAndReconnect() {
    const ws = conn.ws;
    const socketToken = conn.socketToken;
    socketLost();
    if (ws) { try { ws.close(1000, 'token expired'); } catch (e) { /* already closing */ } }
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = null;
    conn.renewing = true;
    setStatus('reconnecting', 'renewing the session');
    const generation = conn.generation;
    try {
      if (session && session.refresh_token && (session.access_token === socketToken || accessExpiringSoon())) {
        await refreshSession();
      }
    } catch (e) {
      if (generation !== conn.generation || !session) return; // a 401 has already ended the session
      if (e.status === 429) {
        setStatus('reconnecting', `rate limited; retrying in ${seconds(e.retryAfterMs)} s`);
        conn.reconnectTimer = setTimeout(connect, e.retryAfterMs);
        return;
      }
      scheduleReconnect(`could not renew the session: ${e.message}`);
      return;
    }
    if (generation !== conn.generation || !session) return;
    if (!session.refresh_token && session.access_token === socketToken) {
      endSession(SESSION_ENDED); // nothing to renew with (a session stored by an older page)
      return;
    }
    connect();
  }

  function backoffDelay(attempt) {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function scheduleReconnect(detail) {
    clearTimeout(conn.reconnectTimer);
    conn.reconnectTimer = null;
    if (navigator.onLine === false) { // no point in counting down: the 'online' event reconnects
      setStatus('offline', 'no network; reconnects when it is back');
      return;
    }
    const delay = backoffDelay(conn.attempt);
    conn.attempt += 1;
    setStatus('reconnecting', `${detail}; retrying in ${seconds(delay)} s`);
    conn.reconnectTimer = setTimeout(connect, delay);
  }

  function disconnect() {
    conn.generation += 1;
    conn.intentionalClose = true;
    clearTimeout(conn.reconnectTimer);
    clearInterval(conn.pingTimer);
    conn.reconnectTimer = null;
    conn.attempt = 0;
    conn.ready = false;
    conn.everConnected = false;
    conn.renewing = false;
    clearTimeout(conn.resyncTimer);
    const ws = conn.ws;
    conn.ws = null;
    if (ws) ws.close(1000, 'logout');
    setStatus('offline');
  }

  function sendFrame(frame) {
    if (!conn.ws || conn.ws.readyState !== WebSocket.OPEN) return false;
    conn.ws.send(JSON.stringify(frame));
    return true;
  }

  function onConnectionReady() {
    conn.ready = true;
    conn.attempt = 0;
    conn.renewing = false;
    conn.everConnected = true;
    setStatus('connected');
    clearInterval(conn.pingTimer);
    conn.pingTimer = setInterval(() => sendFrame({ type: 'ping' }), PING_INTERVAL_MS);
    // A message sent just before the socket dropped may or may not have reached the server;
    // the supervisor's start is idempotent on client_msg_id, so sending it again is safe.
    if (chat.pending) {
      chat.pending.resent = true;
      sendFrame(chat.pending.frame);
      armAcceptTimeout(chat.pending);
    }
    resumeUnfinishedRuns();
    for (const run of chat.runs.values()) updateStopButton(run);
  }

  // Ask for whatever events of unfinished runs were missed while disconnected: everything after
  // the last seq seen without a gap. Events seen twice are dropped by seq (onRunEvent).
  function resumeUnfinishedRuns() {
    for (const [runId, run] of chat.runs) {
      if (!run.finished) sendFrame({ type: 'resume', run_id: runId, after_seq: contiguousSeq(run) });
    }
  }

  // ---------------------------------------------------------------- frames

  function onFrameText(text) {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { return undefined; } // the server sends JSON only
    if (!frame || typeof frame.type !== 'string') return undefined;
    switch (frame.type) {
      case 'connection_ready': return onConnectionReady();
      case 'run_accepted': return onRunAccepted(frame);
      case 'error': return onErrorFrame(frame);
      case 'pong': return undefined;
      case 'thread_history': return undefined; // the page reads history over REST
      case 'upload_progress': return onUploadProgress(frame);
      default:
        if (RUN_EVENT_TYPES.has(frame.type)) return onRunEvent(frame);
        return undefined; // a newer server's frame this page does not know: nothing to show
    }
  }

  function onRunAccepted(frame) {
    if (chat.dismissedMsgIds.has(frame.client_msg_id)) { // sent, then the view changed
      chat.dismissedMsgIds.delete(frame.client_msg_id);
      scheduleThreadsReload();
      return;
    }
    const turn = chat.turnsByClientMsgId.get(frame.client_msg_id);
    let resent = false;
    if (chat.pending && chat.pending.frame.client_msg_id === frame.client_msg_id) {
      clearTimeout(chat.pending.timer);
      resent = Boolean(chat.pending.resent);
      chat.pending = null;
    }
    if (!turn) return;
    if (frame.thread_id && frame.thread_id !== chat.threadId) {
      chat.threadId = frame.thread_id;
      setHashThread(frame.thread_id);
    }
    scheduleThreadsReload(); // a new thread, or an old one that moved to the top
    const run = ensureRun(frame.run_id, turn);
    // A message re-sent after a reconnect is answered with its original run_accepted, but the
    // run may have been emitting (or even finished) while the socket was down, and the server
    // only streams live events: ask for the ones this page has not seen.
    if (resent && !run.finished) sendFrame({ type: 'resume', run_id: frame.run_id, after_seq: contiguousSeq(run) });
    turn.dataset.runId = frame.run_id;
    if (!run.finished) setTurnStatus(turn, '');
    announce('Analysis started.');
    updateSendEnabled();
  }

  function onErrorFrame(frame) {
    if (frame.code === 'token_expired') return renewAndReconnect();
    if (frame.code === 'token_revoked') return endSession(SIGNED_OUT);
    if (frame.code === 'rate_limited') return onRateLimited(frame);
    const text = `${frame.message || 'Something went wrong.'} (${frame.code || 'error'})`;
    // A resume of a run the server no longer has (its log is kept 24 h): stop waiting for it.
    const run = frame.ref ? chat.runs.get(frame.ref) : null;
    if (run && frame.code === 'not_found') {
      finishRunView(run, 'failed', 'The live steps of this analysis are no longer available.');
      return undefined;
    }
    showAlert(text);
    // An error while a message waits for its run_accepted is the server refusing that message.
    const p = chat.pending;
    if (p && (!frame.ref || frame.ref === p.frame.client_msg_id)) {
      clearTimeout(p.timer);
      chat.pending = null;
      failTurn(p.turn, `Not sent: ${text}`);
      if (!el.message.value) el.message.value = p.frame.text;
      updateSendEnabled();
    }
    return undefined;
  }

  // `rate_limited` frame: say how long to wait; if it refused a user_message (ref =
  // client_msg_id), that message did not start a run, so its text goes back in the box.
  function onRateLimited(frame) {
    const ms = Number(frame.retry_after_ms);
    showAlert(Number.isFinite(ms) && ms >= 0
      ? `Slow down: try again in ${seconds(ms)} s`
      : `Slow down: ${frame.message || 'too many requests'}`);
    const p = chat.pending;
    if (frame.ref && p && frame.ref === p.frame.client_msg_id) {
      clearTimeout(p.timer);
      chat.pending = null;
      failTurn(p.turn, `Not sent: ${frame.message || 'too many messages'}. Try again shortly.`);
      if (!el.message.value) el.message.value = p.frame.text;
      el.message.focus();
      updateSendEnabled();
    } else if (!frame.ref) {
      // A frame-level limit: whichever frame it answered was dropped unread, and it may have been
      // a resume or the unacknowledged message. Once the wait is over, send those again; both are
      // idempotent (client_msg_id, and duplicate events are dropped by seq).
      clearTimeout(conn.resyncTimer);
      conn.resyncTimer = setTimeout(resync, Number.isFinite(ms) && ms >= 0 ? ms : 1000);
    }
    return undefined;
  }

  function resync() {
    conn.resyncTimer = null;
    if (!conn.ready) return; // a reconnect re-sends and resumes on its own
    if (chat.pending) {
      sendFrame(chat.pending.frame);
      chat.pending.resent = true;
      armAcceptTimeout(chat.pending);
    }
    resumeUnfinishedRuns();
  }

  // Every run event is shown exactly once: a seq already seen for its run (a resume after a
  // reconnect replays from the last contiguous seq) is dropped. A run of another thread (another
  // tab) is not shown here; it only moves that thread up the list.
  function onRunEvent(ev) {
    if (typeof ev.run_id !== 'string' || !Number.isInteger(ev.seq)) return undefined;
    let run = chat.runs.get(ev.run_id);
    if (!run) {
      if (!chat.threadId || ev.thread_id !== chat.threadId) {
        if (ev.type === 'run_completed' || ev.type === 'run_failed') scheduleThreadsReload();
        return undefined;
      }
      run = ensureRun(ev.run_id, null); // this thread, started in another tab: shown from here on
      if (ev.seq > 1) sendFrame({ type: 'resume', run_id: ev.run_id, after_seq: 0 });
    }
    if (ev.seq <= run.applied || run.held.has(ev.seq)) return undefined; // seen already
    run.held.set(ev.seq, ev);
    // Applied strictly in seq order; one that comes early waits for the gap before it, and a gap
    // still open after a while is asked for again (the server fills gaps itself; this is a guard).
    while (run.held.has(run.applied + 1)) {
      const next = run.held.get(run.applied + 1);
      run.held.delete(run.applied + 1);
      run.applied += 1;
      applyRunEvent(run, next);
    }
    clearTimeout(run.gapTimer);
    run.gapTimer = run.held.size && !run.finished
      ? setTimeout(() => sendFrame({ type: 'resume', run_id: run.id, after_seq: run.applied }), 3000)
      : null;
    return undefined;
  }

  function contiguousSeq(run) {
    return run.applied;
  }

  // ---------------------------------------------------------------- threads

  // The open thread lives in the address (#thread=<id>), so a reload or a bookmark opens it again
  // and the browser's back button goes back to the previous thread.
  function threadFromHash() {
    const m = /^#thread=([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
    return m ? m[1] : null;
  }

  function setHashThread(threadId) {
    const target = threadId ? `#thread=${threadId}` : `${location.pathname}${location.search}`;
    if (threadId ? location.hash === target : !location.hash) return;
    history.pushState(null, '', target);
    markActiveThread();
  }

  function onLocationChange() {
    if (!session) return;
    if (location.hash && !location.hash.startsWith('#thread=')) return; // an in-page link, not a thread
    const threadId = threadFromHash();
    if (threadId === chat.threadId) return;
    if (threadId) openThread(threadId);
    else startNewChat(false);
  }

  function scheduleThreadsReload() {
    clearTimeout(chat.threadsTimer);
    chat.threadsTimer = setTimeout(loadThreads, 300);
  }

  async function loadThreads() {
    if (!session) return;
    const epoch = auth.epoch;
    try {
      const data = await authedApi('/api/threads', { method: 'GET' });
      if (epoch !== auth.epoch || !session) return;
      renderThreads(Array.isArray(data && data.threads) ? data.threads : []);
    } catch (e) {
      if (epoch !== auth.epoch || !session) return;
      if (e.status === 401) { endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED); return; }
      el.threadsEmpty.hidden = false;
      el.threadsEmpty.textContent = `Could not load your conversations: ${e.message}`;
    }
  }

  // Newest first, as the server answers (most recently updated first).
  function renderThreads(list) {
    el.threads.replaceChildren(...list.map((t) => {
      const li = make('li', 'thread');
      li.dataset.threadId = t.thread_id;
      const a = make('a', 'thread-link');
      a.href = `#thread=${t.thread_id}`;
      a.append(make('span', 'thread-title', t.title || 'Untitled conversation'));
      const when = make('time', 'thread-date', relativeTime(t.updated_at || t.created_at));
      if (t.updated_at || t.created_at) when.dateTime = t.updated_at || t.created_at;
      a.append(when);
      li.append(a);
      return li;
    }));
    el.threadsEmpty.textContent = 'No conversations yet.';
    el.threadsEmpty.hidden = list.length > 0;
    markActiveThread();
  }

  function markActiveThread() {
    for (const li of el.threads.children) {
      const a = li.querySelector('a');
      if (li.dataset.threadId === chat.threadId) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function relativeTime(ts) {
    const d = new Date(ts);
    if (!ts || Number.isNaN(d.getTime())) return '';
    const mins = Math.round((Date.now() - d.getTime()) / 60000);
    if (mins < 1) return 'just now';
    if (mins < 60) return `${mins} min ago`;
    if (mins < 24 * 60) return `${Math.round(mins / 60)} h ago`;
    return d.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' });
  }

  // Closes whatever conversation is shown. A message still waiting for its run_accepted is
  // forgotten (its run goes on on the server and shows up in its thread).
  function clearConversation() {
    if (chat.pending) {
      clearTimeout(chat.pending.timer);
      chat.dismissedMsgIds.add(chat.pending.frame.client_msg_id);
    }
    for (const run of chat.runs.values()) clearTimeout(run.gapTimer);
    for (const c of chat.charts) { try { c.destroy(); } catch (e) { /* already gone */ } }
    chat.charts = [];
    chat.pending = null;
    chat.threadId = null;
    chat.openGeneration += 1;
    chat.turnsByClientMsgId.clear();
    chat.runs.clear();
    el.conversation.replaceChildren();
    el.alerts.replaceChildren();
    updateSendEnabled();
  }

  function showWelcome() {
    el.welcome.hidden = el.conversation.children.length > 0;
  }

  function startNewChat(updateAddress = true) {
    clearConversation();
    if (updateAddress) setHashThread(null);
    markActiveThread();
    showWelcome();
    el.message.value = '';
    el.message.focus();
  }

  // Everything of the last user goes (logout, session ended).
  function resetChat() {
    clearConversation();
    clearTimeout(chat.threadsTimer);
    el.threads.replaceChildren();
    el.threadsEmpty.hidden = false;
    el.threadsEmpty.textContent = 'No conversations yet.';
    showWelcome();
    el.message.value = '';
  }

  // GET /api/threads/{id}: the questions and answers, then each answer's report (charts, table,
  // plan) from GET /api/runs/{id}/report. A question whose run is still going is followed live:
  // resume from seq 0 replays its steps so far, then the rest streams in.
  async function openThread(threadId) {
    clearConversation();
    chat.threadId = threadId;
    const generation = chat.openGeneration;
    setHashThread(threadId);
    markActiveThread();
    el.welcome.hidden = true;
    const loading = make('p', 'empty', 'Loading the conversation…');
    el.conversation.append(loading);
    let thread;
    try {
      thread = await authedApi(`/api/threads/${encodeURIComponent(threadId)}`, { method: 'GET' });
    } catch (e) {
      if (generation !== chat.openGeneration || !session) return;
      loading.remove();
      if (e.status === 401) { endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED); return; }
      chat.threadId = null;
      setHashThread(null);
      showWelcome();
      showAlert(e.status === 404 ? 'That conversation does not exist (or is not yours).'
        : `Could not open the conversation: ${e.message}`);
      return;
    }
    if (generation !== chat.openGeneration) return;
    loading.remove();
    const messages = Array.isArray(thread && thread.messages) ? thread.messages : [];
    const answered = new Set(messages.filter((m) => m.role === 'assistant' && m.run_id).map((m) => m.run_id));
    const reports = [];
    for (const m of messages) {
      if (m.role === 'user') {
        const turn = addTurn(m.text, null);
        if (m.run_id) {
          turn.dataset.runId = m.run_id;
          if (!answered.has(m.run_id)) followUnansweredRun(m.run_id, turn, generation);
        }
      } else if (m.role === 'assistant') {
        const turn = findTurnOfRun(m.run_id) || addTurn(null, null);
        const block = renderAnswer(turn, { runId: m.run_id, markdown: m.text || '', report: null, degraded: false });
        if (m.run_id) reports.push({ runId: m.run_id, block });
      }
    }
    showWelcome();
    assignLatestIds();
    if (!messages.length) el.conversation.append(make('p', 'empty', 'This conversation has no messages yet.'));
    // The reports one after the other, newest first: the one most likely to be read.
    for (const { runId, block } of reports.reverse()) {
      if (generation !== chat.openGeneration) return;
      try {
        const r = await authedApi(`/api/runs/${encodeURIComponent(runId)}/report`, { method: 'GET' });
        if (generation !== chat.openGeneration) return;
        if (r && r.report) fillReport(block, r.report, Boolean(r.degraded));
      } catch (e) {
        if (e.status === 401 && session) { endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED); return; }
        // No report (409: the run ended before it had one): the markdown is all there is.
      }
    }
  }

  function findTurnOfRun(runId) {
    if (!runId) return null;
    const turns = el.conversation.querySelectorAll('.turn');
    for (let i = turns.length - 1; i >= 0; i -= 1) if (turns[i].dataset.runId === runId) return turns[i];
    return null;
  }

  // A question without an answer: its run is still going (follow it live), or it failed/stopped.
  async function followUnansweredRun(runId, turn, generation) {
    let view;
    try {
      view = await authedApi(`/api/runs/${encodeURIComponent(runId)}`, { method: 'GET' });
    } catch (e) {
      return; // nothing more to show than the question
    }
    if (generation !== chat.openGeneration) return;
    if (view.status === 'running') {
      const run = ensureRun(runId, turn);
      assignLatestIds();
      sendFrame({ type: 'resume', run_id: runId, after_seq: run.applied }); // or on connection_ready
      return;
    }
    if (view.status === 'cancelled') failTurn(turn, 'This analysis was stopped.');
    else if (view.status === 'failed') {
      failTurn(turn, `This analysis failed${view.error_message ? `: ${view.error_message}` : ''}.`);
    }
  }

  // ---------------------------------------------------------------- conversation

  function addTurn(text, clientMsgId) {
    el.welcome.hidden = true;
    const turn = make('article', 'turn');
    if (clientMsgId) {
      turn.dataset.clientMsgId = clientMsgId;
      chat.turnsByClientMsgId.set(clientMsgId, turn);
    }
    if (text !== null && text !== undefined) {
      const q = make('div', 'question');
      q.append(make('span', 'visually-hidden', 'You asked: '), make('p', 'question-text', text));
      turn.append(q);
    }
    turn.append(make('p', 'turn-status'));
    el.conversation.append(turn);
    return turn;
  }

  function setTurnStatus(turn, text) {
    const status = turn.querySelector('.turn-status');
    if (status) status.textContent = text;
  }

  function failTurn(turn, text) {
    const status = turn.querySelector('.turn-status');
    if (status) status.textContent = '';
    turn.append(make('p', 'turn-error', text));
  }

  // Only the newest run and the newest answer carry the ids the contract names (#run,
  // #run-progress, #stop; #answer, #recommendations, the chart canvases); older ones keep their
  // classes. Called whenever a run or an answer is added.
  function assignLatestIds() {
    const ids = {
      run: '.run', 'run-progress': '.run-progress', stop: '.run-stop',
      answer: '.answer-markdown', recommendations: '.recommendations',
      'chart-cost-by-model': '.chart-cost-by-model', 'chart-daily-cost': '.chart-daily-cost',
    };
    for (const [id, selector] of Object.entries(ids)) {
      const all = el.conversation.querySelectorAll(selector);
      const latest = all.length ? all[all.length - 1] : null;
      const holder = document.getElementById(id);
      if (holder && holder !== latest) holder.removeAttribute('id');
      if (latest) latest.id = id;
    }
  }

  // ---------------------------------------------------------------- live run view

  // One panel per run, inside its turn: the progress bar, Stop, one card per agent (status,
  // duration, its latest thinking sentence, its tool calls), and the event log, where each run
  // event is one .event element, in seq order.
  function ensureRun(runId, turn) {
    let run = chat.runs.get(runId);
    if (run) return run;
    const host = turn || addTurn(null, null);
    host.dataset.runId = runId;
    const panel = make('section', 'run');
    panel.dataset.runId = runId;
    panel.dataset.state = 'running';
    panel.setAttribute('aria-label', 'Analysis steps');

    const head = make('div', 'run-head');
    const title = make('h3', 'run-title', 'Analysing');
    const stop = make('button', 'run-stop secondary', 'Stop');
    stop.type = 'button';
    stop.setAttribute('aria-label', 'Stop this analysis');
    head.append(title, stop);

    const bar = make('div', 'run-progress');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', '0');
    bar.setAttribute('aria-label', 'Analysis progress');
    const fill = make('div', 'run-progress-fill');
    bar.append(fill);

    const cards = make('ol', 'agent-cards');
    const cardViews = new Map();
    for (const agent of AGENTS) {
      const card = makeAgentCard(agent);
      cardViews.set(agent, card);
      cards.append(card.root);
    }

    const log = make('details', 'run-log');
    const logSummary = make('summary', null, 'Event log (0)');
    const logList = make('ol', 'events');
    log.append(logSummary, logList);

    panel.append(head, bar, cards, log);
    const status = host.querySelector('.turn-status');
    host.insertBefore(panel, status ? status.nextSibling : null);

    run = {
      id: runId, turn: host, panel, title, stop, bar, fill, cards: cardViews, logSummary, logList,
      applied: 0, held: new Map(), gapTimer: null, finished: false, stopRequested: false,
      stageProgress: new Map(), progress: 0, events: 0, startedAt: null,
    };
    stop.addEventListener('click', () => requestStop(run));
    chat.runs.set(runId, run);
    updateStopButton(run);
    assignLatestIds();
    return run;
  }

  function makeAgentCard(agent) {
    const root = make('li', 'agent-card');
    root.dataset.agent = agent;
    root.dataset.status = 'pending';
    const head = make('div', 'agent-head');
    const name = make('h4', 'agent-name', agent.charAt(0).toUpperCase() + agent.slice(1));
    const state = make('span', 'agent-state', 'waiting');
    const dur = make('span', 'agent-duration');
    head.append(name, state, dur);
    const role = make('p', 'agent-role', AGENT_ROLES[agent]);
    const thinking = make('p', 'agent-thinking');
    thinking.setAttribute('aria-live', 'off');
    const reason = make('p', 'agent-reason');
    reason.hidden = true;
    // The tool calls fold into one line once the agent is done (unless the reader opened or
    // closed them): a finished run stays short enough to scroll past to the answer.
    const toolsWrap = make('details', 'agent-tools-wrap');
    toolsWrap.hidden = true;
    const toolsSummary = make('summary', 'agent-tools-summary', 'Tool calls');
    const tools = make('div', 'agent-tools');
    toolsWrap.append(toolsSummary, tools);
    const view = { root, state, dur, thinking, reason, tools, toolsWrap, toolsSummary, toolCalls: new Map(),
      startedAt: 0, toolsTouched: false };
    toolsSummary.addEventListener('click', () => { view.toolsTouched = true; });
    root.append(head, role, thinking, reason, toolsWrap);
    return view;
  }

  function setAgentStatus(card, status, label) {
    card.root.dataset.status = status;
    card.state.textContent = label || status;
    if (!card.toolsTouched) card.toolsWrap.open = status === 'running';
  }

  function applyRunEvent(run, ev) {
    appendLogEntry(run, ev);
    const card = run.cards.get(ev.agent);
    switch (ev.type) {
      case 'agent_started':
        if (card) {
          setAgentStatus(card, 'running', 'working');
          card.startedAt = Date.now();
          card.dur.textContent = '';
        }
        break;
      case 'agent_thinking':
        if (card) card.thinking.textContent = ev.reasoning || '';
        if (typeof ev.progress === 'number' && STAGES.includes(ev.agent)) {
          run.stageProgress.set(ev.agent, Math.max(run.stageProgress.get(ev.agent) || 0, ev.progress));
        }
        break;
      case 'tool_executing':
        if (card) toolCallView(card, ev).root.dataset.status = 'running';
        break;
      case 'tool_completed':
        if (card) completeToolCall(toolCallView(card, ev), ev);
        break;
      case 'agent_completed':
        if (card) completeAgent(card, ev);
        if (STAGES.includes(ev.agent)) run.stageProgress.set(ev.agent, 1);
        break;
      case 'run_completed':
        finishRunView(run, 'completed');
        renderAnswer(run.turn, {
          runId: run.id, markdown: ev.final_response || '', report: ev.report || null, degraded: Boolean(ev.degraded),
        });
        scheduleThreadsReload();
        announce(`Answer ready${ev.report && ev.report.title ? `: ${ev.report.title}` : ''}.`);
        break;
      case 'run_failed': {
        const stopped = ev.code === 'cancelled';
        finishRunView(run, stopped ? 'stopped' : 'failed',
          stopped ? 'Stopped. Nothing more will run for this question.'
            : `The analysis failed: ${ev.message || 'unknown error'} (${ev.code || 'error'})`);
        announce(stopped ? 'Analysis stopped.' : 'Analysis failed.');
        break;
      }
      default:
        break;
    }
    updateRunProgress(run);
  }

  function appendLogEntry(run, ev) {
    const li = make('li', `event event-${ev.type}`);
    li.dataset.runId = ev.run_id;
    li.dataset.seq = String(ev.seq);
    li.dataset.type = ev.type;
    li.dataset.agent = ev.agent || '';
    const time = make('time', 'ev-time', clock(ev.ts));
    if (ev.ts) time.dateTime = ev.ts;
    li.append(make('span', 'ev-seq', `#${ev.seq}`), time, make('span', 'ev-agent', ev.agent || ''),
      make('span', 'ev-text', describe(ev)));
    run.logList.append(li); // applied in seq order, so appending keeps the order
    run.events += 1;
    run.logSummary.textContent = `Event log (${run.events})`;
  }

  // The short human text of one run event, for the event log.
  function describe(ev) {
    switch (ev.type) {
      case 'agent_started': {
        const plan = Array.isArray(ev.plan) && ev.plan.length ? `; plan: ${ev.plan.join(' → ')}` : '';
        return `started${plan}`;
      }
      case 'agent_thinking': return ev.reasoning || '';
      case 'tool_executing': return `${ev.tool}(${summarize(ev.parameters)})`;
      case 'tool_completed': {
        const result = summarize(ev.result);
        return `${ev.tool} done in ${duration(ev.duration_ms)}${result ? `: ${result}` : ''}`;
      }
      case 'agent_completed': return `${ev.status} in ${duration(ev.duration_ms)}${ev.reason ? `: ${ev.reason}` : ''}`;
      case 'run_completed': return ev.degraded ? 'answer ready (some steps used a fallback)' : 'answer ready';
      case 'run_failed': return `failed: ${ev.message} (${ev.code})`;
      default: return ev.type;
    }
  }

  // A tool call as <details class="tool-call">: the summary line names the tool, its duration and
  // its result in brief; opened, it shows the parameters and the result summary in full.
  function toolCallView(card, ev) {
    const key = ev.tool_call_id || `${ev.tool}-${card.toolCalls.size}`;
    let view = card.toolCalls.get(key);
    if (view) return view;
    const root = make('details', 'tool-call');
    root.dataset.tool = ev.tool || '';
    root.dataset.toolCallId = key;
    const summary = make('summary', 'tool-summary');
    const name = make('span', 'tool-name', ev.tool || 'tool');
    const dur = make('span', 'tool-duration', '…');
    const brief = make('span', 'tool-brief');
    summary.append(name, dur, brief);
    const body = make('dl', 'tool-body');
    const params = make('pre', 'tool-params', pretty(ev.parameters));
    const result = make('pre', 'tool-result', 'running…');
    body.append(make('dt', null, 'Parameters'), wrapDd(params), make('dt', null, 'Result'), wrapDd(result));
    root.append(summary, body);
    card.tools.append(root);
    view = { root, dur, brief, params, result };
    card.toolCalls.set(key, view);
    card.toolsWrap.hidden = false;
    if (!card.toolsTouched && card.root.dataset.status === 'running') card.toolsWrap.open = true;
    const n = card.toolCalls.size;
    card.toolsSummary.textContent = `${n} tool call${n === 1 ? '' : 's'}`;
    return view;
  }

  function wrapDd(child) {
    const dd = make('dd');
    dd.append(child);
    return dd;
  }

  function completeToolCall(view, ev) {
    view.root.dataset.status = 'completed';
    view.dur.textContent = duration(ev.duration_ms);
    view.brief.textContent = summarize(ev.result, 90);
    view.result.textContent = pretty(ev.result);
  }

  function pretty(value) {
    if (value === undefined || value === null) return '—';
    try { return JSON.stringify(value, null, 2); } catch (e) { return String(value); }
  }

  function completeAgent(card, ev) {
    card.dur.textContent = duration(ev.duration_ms);
    if (ev.status === 'degraded') {
      setAgentStatus(card, 'degraded', 'fallback used');
      card.reason.hidden = false;
      card.reason.textContent = `Degraded: ${ev.reason || 'this stage used a fallback'}`;
    } else if (ev.status === 'skipped') {
      setAgentStatus(card, 'completed', 'skipped');
      card.root.dataset.outcome = 'skipped';
      card.reason.hidden = false;
      card.reason.textContent = `Skipped: ${ev.reason || 'not needed'}`;
    } else {
      setAgentStatus(card, 'completed', 'done');
    }
  }

  // Run progress: the four stages weigh the same; the running one counts with the progress of
  // its latest thinking sentence (0..1). Never goes back; 100 only once the answer is there.
  function updateRunProgress(run) {
    let done = 0;
    for (const stage of STAGES) done += Math.min(1, run.stageProgress.get(stage) || 0);
    let pct = run.applied > 0 ? Math.round(4 + 92 * (done / STAGES.length)) : 0;
    if (run.panel.dataset.state === 'completed') pct = 100;
    run.progress = Math.max(run.progress, Math.min(100, pct));
    run.bar.setAttribute('aria-valuenow', String(run.progress));
    run.bar.setAttribute('aria-valuetext', `${run.progress}%`);
    run.fill.style.width = `${run.progress}%`;
  }

  function finishRunView(run, state, message) {
    if (run.finished) return;
    run.finished = true;
    clearTimeout(run.gapTimer);
    run.panel.dataset.state = state;
    run.title.textContent = { completed: 'Analysis complete', stopped: 'Analysis stopped', failed: 'Analysis failed' }[state];
    for (const card of run.cards.values()) {
      if (card.root.dataset.status === 'running') {
        if (state === 'completed') setAgentStatus(card, 'completed', 'done');
        else setAgentStatus(card, 'failed', state === 'stopped' ? 'stopped' : 'failed');
      }
    }
    if (message) failTurn(run.turn, message);
    updateStopButton(run);
    updateRunProgress(run);
  }

  function updateStopButton(run) {
    run.stop.hidden = run.finished;
    run.stop.disabled = run.finished || run.stopRequested || !conn.ready;
    run.stop.textContent = run.stopRequested ? 'Stopping…' : 'Stop';
  }

  // stop_agent: the supervisor cancels at the next stage boundary and the run ends with
  // run_failed `cancelled`, which is what marks it stopped here.
  function requestStop(run) {
    if (run.finished || run.stopRequested) return;
    if (!sendFrame({ type: 'stop_agent', run_id: run.id })) {
      showAlert('Not connected: the stop was not sent. Try again once connected.');
      return;
    }
    run.stopRequested = true;
    run.title.textContent = 'Stopping…';
    updateStopButton(run);
  }

  // ---------------------------------------------------------------- the answer

  const RANK = { low: 1, medium: 2, high: 3 };
  const SORTABLE = [
    { key: 'rank', label: '#', numeric: true },
    { key: 'title', label: 'Recommendation' },
    { key: 'monthly_savings_usd', label: 'Savings / month', numeric: true },
    { key: 'confidence', label: 'Confidence', ordinal: true },
    { key: 'effort', label: 'Effort', ordinal: true },
    { key: 'risk', label: 'Risk', ordinal: true },
  ];

  // The answer of one run: the report's figures, charts, the sortable recommendation table and
  // the action plan (from `report`, when there is one), then the full markdown report.
  function renderAnswer(turn, { runId, markdown, report, degraded }) {
    const block = make('section', 'answer-block');
    block.dataset.runId = runId || '';
    block.setAttribute('aria-label', 'Answer');
    const structured = make('div', 'report-structured');
    const full = make('section', 'full-report');
    const md = make('div', 'answer-markdown markdown');
    md.dataset.runId = runId || '';
    renderMarkdown(md, markdown);
    full.append(md);
    block.append(structured, full);
    const status = turn.querySelector('.turn-status');
    if (status) status.textContent = '';
    turn.append(block);
    if (report) fillReport(block, report, degraded);
    assignLatestIds();
    if (turn.querySelector('.run')) revealStart(block);
    return block;
  }

  // A scrolling box: focusable and named, so that it can be scrolled with the keyboard.
  function scrollRegion(className, label) {
    const wrap = make('div', className);
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', label);
    return wrap;
  }

  function renderMarkdown(target, markdown) {
    if (window.marked && window.DOMPurify) {
      target.innerHTML = window.DOMPurify.sanitize(window.marked.parse(markdown, { gfm: true }));
      for (const table of target.querySelectorAll('table')) { // wide tables scroll on a phone
        const wrap = scrollRegion('table-scroll', 'Table');
        table.replaceWith(wrap);
        wrap.append(table);
      }
      return;
    }
    // The renderer scripts did not load: say so and show the text as it is, never unsanitized HTML.
    target.append(make('p', 'turn-error', 'The markdown renderer did not load; showing plain text.'));
    target.append(make('pre', 'plain-answer', markdown));
  }

  function revealStart(node) {
    const top = node.getBoundingClientRect().top + window.scrollY - 72;
    window.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
  }

  function fillReport(block, report, degraded) {
    const host = block.querySelector('.report-structured');
    host.replaceChildren();
    if (report.title) host.append(make('h3', 'report-title', report.title));
    if (degraded) {
      host.append(make('p', 'degraded',
        'Some steps used a fallback, so parts of this answer are approximate (see the data-quality notes).'));
    }
    host.append(figures(report));
    if (report.summary) host.append(make('p', 'report-summary', report.summary));
    const charts = chartsSection(report);
    if (charts) host.append(charts);
    const recs = Array.isArray(report.recommendations) ? report.recommendations : [];
    if (recs.length) host.append(recommendationsSection(recs));
    const plan = Array.isArray(report.action_plan) ? report.action_plan : [];
    if (plan.length) host.append(actionPlanSection(plan, recs));
    const notes = Array.isArray(report.data_quality_notes) ? report.data_quality_notes : [];
    if (notes.length) {
      const sec = make('section', 'quality-notes');
      sec.append(make('h4', null, 'Data quality'));
      const ul = make('ul');
      for (const n of notes) ul.append(make('li', null, n));
      sec.append(ul);
      host.append(sec);
    }
    const full = block.querySelector('.full-report');
    if (full && !full.querySelector('.full-report-title')) {
      full.prepend(make('h4', 'full-report-title', 'Full report'));
    }
    drawCharts(host, report);
    assignLatestIds();
  }

  function figures(report) {
    const dl = make('dl', 'figures');
    const add = (term, value, note) => {
      if (value === null || value === undefined || value === '') return;
      const div = make('div', 'figure');
      div.append(make('dt', null, term), make('dd', 'figure-value', value));
      if (note) div.append(make('dd', 'figure-note', note));
      dl.append(div);
    };
    const w = report.window;
    add('Spend in window', money(report.window_spend_usd), w ? `${w.from} – ${w.to}` : '');
    add('Monthly spend', money(report.monthly_spend_usd), 'at this rate');
    if (Number.isFinite(Number(report.total_monthly_savings_usd))) {
      const pct = Number(report.savings_percent);
      add('Savings / month', money(report.total_monthly_savings_usd),
        Number.isFinite(pct) ? `${pct.toFixed(1)}% of spend` : '');
    }
    if (Number.isFinite(Number(report.month_end_forecast_usd))) {
      add('Month-end forecast', money(report.month_end_forecast_usd), 'at the recent run rate');
    }
    return dl;
  }

  // ---- charts

  function chartsSection(report) {
    const byModel = points(report.cost_by_model);
    const daily = points(report.daily_cost);
    if (!byModel.length && !daily.length) return null;
    const sec = make('section', 'charts');
    if (byModel.length) {
      sec.append(chartFigure('chart-cost-by-model', 'Cost by model',
        `Cost by model: ${byModel.map((p) => `${p.label} ${money(p.value)}`).join(', ')}.`,
        ['Model', 'Cost'], byModel.map((p) => [p.label, money(p.value)])));
    }
    if (daily.length) {
      const forecast = points(report.forecast_cost);
      const total = daily.reduce((s, p) => s + p.value, 0);
      const desc = `Daily cost from ${daily[0].label} to ${daily[daily.length - 1].label}, ${money(total)} in all`
        + (forecast.length ? `, then a forecast of ${money(forecast[0].value)} a day to ${forecast[forecast.length - 1].label}.` : '.');
      const rows = daily.map((p) => [p.label, money(p.value)]).concat(forecast.map((p) => [p.label, `${money(p.value)} (forecast)`]));
      sec.append(chartFigure('chart-daily-cost', forecast.length ? 'Daily cost and forecast' : 'Daily cost',
        desc, ['Day', 'Cost'], rows));
    }
    return sec;
  }

  function points(list) {
    return (Array.isArray(list) ? list : [])
      .filter((p) => p && p.label !== undefined && Number.isFinite(Number(p.value)))
      .map((p) => ({ label: String(p.label), value: Number(p.value) }));
  }

  function chartFigure(className, title, description, header, rows) {
    const fig = make('figure', 'chart');
    fig.append(make('figcaption', 'chart-title', title));
    const box = make('div', 'chart-box');
    const canvas = make('canvas', className);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', description);
    canvas.textContent = description; // fallback content where canvas is not drawn
    box.append(canvas);
    fig.append(box);
    const details = make('details', 'chart-data');
    details.append(make('summary', null, 'Show as a table'));
    const table = make('table', 'data-table');
    const tr = make('tr');
    for (const h of header) { const th = make('th', null, h); th.scope = 'col'; tr.append(th); }
    const thead = make('thead');
    thead.append(tr);
    const tbody = make('tbody');
    for (const r of rows) { const row = make('tr'); for (const c of r) row.append(make('td', null, c)); tbody.append(row); }
    table.append(thead, tbody);
    details.append(table);
    fig.append(details);
    return fig;
  }

  function drawCharts(host, report) {
    if (!window.Chart) {
      for (const box of host.querySelectorAll('.chart-box')) {
        box.append(make('p', 'hint', 'The chart library did not load; the table below has the numbers.'));
      }
      return;
    }
    const Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#1b1f24';
    const moneyTick = (v) => money(v);
    const common = { responsive: true, maintainAspectRatio: false, animation: false };
    const byModelCanvas = host.querySelector('.chart-cost-by-model');
    if (byModelCanvas) {
      const data = points(report.cost_by_model);
      chat.charts.push(new Chart(byModelCanvas, {
        type: 'bar',
        data: {
          labels: data.map((p) => p.label),
          datasets: [{ label: 'Cost in the window', data: data.map((p) => p.value), backgroundColor: '#0b57d0' }],
        },
        options: {
          ...common,
          indexAxis: 'y',
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => money(c.parsed.x) } } },
          scales: { x: { ticks: { callback: moneyTick } } },
        },
      }));
    }
    const dailyCanvas = host.querySelector('.chart-daily-cost');
    if (dailyCanvas) {
      const daily = points(report.daily_cost);
      const forecast = points(report.forecast_cost);
      const labels = daily.map((p) => p.label).concat(forecast.map((p) => p.label));
      const actual = daily.map((p) => p.value).concat(forecast.map(() => null));
      // The forecast line starts at the last actual day so that the two lines join.
      const ahead = daily.map((p, i) => (i === daily.length - 1 && forecast.length ? p.value : null))
        .concat(forecast.map((p) => p.value));
      const datasets = [{
        label: 'Daily cost', data: actual, borderColor: '#0b57d0', backgroundColor: 'rgba(11, 87, 208, 0.12)',
        fill: true, pointRadius: 2, tension: 0.2,
      }];
      if (forecast.length) {
        datasets.push({
          label: 'Forecast', data: ahead, borderColor: '#8a4b00', borderDash: [6, 4], pointRadius: 0, fill: false,
        });
      }
      chat.charts.push(new Chart(dailyCanvas, {
        type: 'line',
        data: { labels, datasets },
        options: {
          ...common,
          interaction: { mode: 'index', intersect: false },
          plugins: {
            legend: { display: forecast.length > 0 },
            tooltip: { callbacks: { label: (c) => (c.parsed.y === null ? '' : `${c.dataset.label}: ${money(c.parsed.y)}`) } },
          },
          scales: {
            x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 6, callback(v) { return String(this.getLabelForValue(v)).slice(5); } } },
            y: { beginAtZero: true, ticks: { callback: moneyTick } },
          },
        },
      }));
    }
  }

  // ---- recommendations

  function recommendationsSection(recs) {
    const sec = make('section', 'recs');
    sec.append(make('h4', null, 'Recommendations'));
    const table = make('table', 'recommendations');
    table.append(make('caption', 'visually-hidden', 'Recommendations; the column headers sort the table'));
    const head = make('tr');
    const ths = [];
    for (const col of SORTABLE) {
      const th = make('th');
      th.scope = 'col';
      th.dataset.sort = col.key;
      if (col.numeric) th.className = 'num';
      th.setAttribute('aria-sort', col.key === 'rank' ? 'ascending' : 'none');
      const btn = make('button', 'sort-button', col.label);
      btn.type = 'button';
      th.append(btn);
      ths.push(th);
      head.append(th);
    }
    const thead = make('thead');
    thead.append(head);
    const tbody = make('tbody');
    const rows = recs.map((r, i) => ({ data: { ...r, rank: i + 1 }, tr: recommendationRow(r, i + 1) }));
    for (const r of rows) tbody.append(r.tr);
    table.append(thead, tbody);
    const state = { key: 'rank', dir: 'ascending' };
    // Click a header (or its button, by keyboard) to sort by it; again to reverse. Savings sort
    // smallest first on the first click, since the table starts ranked largest first.
    for (const th of ths) {
      th.addEventListener('click', () => {
        const key = th.dataset.sort;
        state.dir = state.key === key && state.dir === 'ascending' ? 'descending' : 'ascending';
        state.key = key;
        const col = SORTABLE.find((c) => c.key === key);
        const value = (d) => (col.ordinal ? RANK[d[key]] || 0 : col.numeric ? Number(d[key]) || 0 : String(d[key] || '').toLowerCase());
        rows.sort((a, b) => {
          const va = value(a.data);
          const vb = value(b.data);
          const c = va < vb ? -1 : va > vb ? 1 : a.data.rank - b.data.rank;
          return state.dir === 'ascending' ? c : -c;
        });
        for (const r of rows) tbody.append(r.tr);
        for (const other of ths) other.setAttribute('aria-sort', other === th ? state.dir : 'none');
        table.dataset.sortKey = key;
        table.dataset.sortDir = state.dir;
      });
    }
    const wrap = scrollRegion('table-scroll', 'Recommendations');
    wrap.append(table);
    sec.append(wrap);
    return sec;
  }

  function recommendationRow(r, rank) {
    const tr = make('tr');
    tr.dataset.recommendationId = r.id || '';
    tr.dataset.savings = String(Number(r.monthly_savings_usd) || 0);
    const title = make('td', 'rec-title');
    const details = make('details');
    details.append(make('summary', null, r.title || r.id || 'Recommendation'));
    if (r.evidence) details.append(make('p', 'rec-evidence', r.evidence));
    if (Array.isArray(r.steps) && r.steps.length) {
      const ol = make('ol', 'rec-steps');
      for (const s of r.steps) ol.append(make('li', null, s));
      details.append(ol);
    }
    title.append(details);
    if (r.lever) title.append(make('span', 'rec-lever', r.lever.replace(/_/g, ' ')));
    tr.append(make('td', 'num', String(rank)), title,
      make('td', 'num rec-savings', money(r.monthly_savings_usd)),
      level(r.confidence), level(r.effort), level(r.risk));
    return tr;
  }

  function level(v) {
    const td = make('td', 'level', v || '—');
    if (v) td.dataset.level = v;
    return td;
  }

  // ---- action plan

  function actionPlanSection(plan, recs) {
    const sec = make('section', 'action-plan');
    sec.append(make('h4', null, 'Action plan'));
    const groups = new Map();
    for (const step of plan) {
      const when = step.when || 'later';
      if (!groups.has(when)) groups.set(when, []);
      groups.get(when).push(step);
    }
    const titles = new Map(recs.map((r, i) => [r.id, `#${i + 1}`]));
    for (const [when, steps] of groups) {
      sec.append(make('h5', 'plan-when', when.charAt(0).toUpperCase() + when.slice(1)));
      const ol = make('ol', 'plan-steps');
      for (const step of steps) {
        const li = make('li', 'plan-step');
        li.dataset.recommendationId = step.recommendation_id || '';
        const text = make('span', 'step-text', step.text || '');
        const ref = titles.get(step.recommendation_id);
        const copy = make('button', 'copy-step secondary', 'Copy');
        copy.type = 'button';
        copy.setAttribute('aria-label', `Copy step: ${truncate(step.text || '', 80)}`);
        copy.addEventListener('click', () => copyStep(copy, step.text || ''));
        li.append(text);
        if (ref) li.append(make('span', 'step-ref', ref));
        li.append(copy);
        ol.append(li);
      }
      sec.append(ol);
    }
    return sec;
  }

  async function copyStep(button, text) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (e) { ok = false; } // denied (no focus, no permission): fall back below
    if (!ok) {
      ok = copyWithSelection(text);
      button.focus(); // the selection moved it to the hidden text area
    }
    button.textContent = ok ? 'Copied' : 'Copy failed';
    button.dataset.copied = String(ok);
    announce(ok ? 'Step copied to the clipboard.' : 'Could not copy; select the text instead.');
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  }

  // For pages served over plain http on a LAN address, where navigator.clipboard is missing.
  function copyWithSelection(text) {
    const area = make('textarea', 'visually-hidden');
    area.value = text;
    area.setAttribute('readonly', '');
    document.body.append(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  // ---------------------------------------------------------------- alerts

  function showAlert(text) {
    const item = make('div', 'alert');
    item.append(make('span', 'alert-text', text));
    const close = make('button', 'link alert-close', 'Dismiss');
    close.type = 'button';
    close.setAttribute('aria-label', `Dismiss: ${text}`);
    close.addEventListener('click', () => item.remove());
    item.append(close);
    el.alerts.append(item);
    while (el.alerts.children.length > 5) el.alerts.firstElementChild.remove();
  }


  // ---------------------------------------------------------------- sending

  function updateSendEnabled() {
    const busy = Boolean(chat.pending);
    el.send.disabled = !conn.ready || busy;
    for (const b of document.querySelectorAll('.example, .needs-connection')) b.disabled = !conn.ready || busy;
  }

  function sendMessage(raw) {
    const text = String(raw || '').trim();
    if (!text) return undefined;
    if (text.length > MESSAGE_MAX) return showAlert(`Questions are limited to ${MESSAGE_MAX} characters.`);
    if (!conn.ready) return showAlert('Not connected yet; your message was not sent.');
    if (chat.pending) return undefined;
    const frame = { type: 'user_message', client_msg_id: uuid(), text };
    if (chat.threadId) frame.thread_id = chat.threadId;
    const turn = addTurn(text, frame.client_msg_id);
    setTurnStatus(turn, 'Sending…');
    if (!sendFrame(frame)) {
      failTurn(turn, 'Not sent: the connection is down.');
      return undefined;
    }
    chat.pending = { frame, turn, timer: null };
    armAcceptTimeout(chat.pending);
    el.message.value = '';
    updateSendEnabled();
    turn.scrollIntoView({ block: 'start', behavior: 'smooth' });
    return undefined;
  }

  function armAcceptTimeout(pending) {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      if (chat.pending !== pending) return;
      chat.pending = null;
      failTurn(pending.turn, 'The server did not acknowledge this message. Try again.');
      if (!el.message.value) el.message.value = pending.frame.text;
      updateSendEnabled();
    }, ACCEPT_TIMEOUT_MS);
  }

  // ---------------------------------------------------------------- usage upload

  // POST /api/usage takes the raw file (its name in ?filename=), answers 201 with the stored
  // upload's summary or 422 with the row/column problems (nothing stored). fetch cannot report
  // upload progress, so this one call goes through XMLHttpRequest. The server reads the file as it
  // arrives and reports rows read and stored as upload_progress frames for the ?upload_ref= we send.
  // Its size limit (usage.max_upload_bytes, 20 MiB by default) is checked there, from Content-Length.
  const ANALYZE_PROMPT = 'Analyze my AI costs for the last 30 days';
  const USD = new Intl.NumberFormat('en-US', {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2,
  });
  const COUNT = new Intl.NumberFormat('en-US');
  const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/ndjson'];

  const upload = {
    busy: false,
    xhr: null,                 // the request in flight; aborted when the session ends
    ref: null,                 // upload_ref of the upload in flight: its upload_progress frames carry it
    blockedUntil: 0,           // a 429 asked to wait until then (epoch ms)
    blockTimer: null,
    listGeneration: 0,         // a late answer to an older GET /api/usage/uploads is dropped
    dragDepth: 0,              // dragenter/dragleave pairs over the conversation
  };

  function money(v) {
    const n = Number(v);
    return Number.isFinite(n) ? USD.format(n) : '—';
  }

  function count(n, one, many) {
    const v = Number(n) || 0;
    return `${COUNT.format(v)} ${v === 1 ? one : many}`;
  }

  function fileSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  }

  // An ISO instant as its UTC date: usage timestamps are UTC (a daily export is midnight UTC), so
  // a local date could show the day before.
  function isoDate(ts) {
    if (!ts) return '';
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().slice(0, 10);
  }

  function dateRange(first, last) {
    const a = isoDate(first);
    const b = isoDate(last);
    if (!a && !b) return 'no dates';
    if (!a || !b || a === b) return a || b;
    return `${a} → ${b}`;
  }

  function uploadName(u) {
    return (u && u.source) || 'upload';
  }

  // The server reads the format from the content type first (docs/USAGE-FORMATS.md §1). Browsers
  // send odd types for CSV (application/vnd.ms-excel) and none for .ndjson, so go by the name;
  // octet-stream is ignored by the server, which then looks at the content.
  function contentTypeFor(file) {
    const name = file.name.toLowerCase();
    if (name.endsWith('.csv')) return 'text/csv';
    if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'application/x-ndjson';
    if (name.endsWith('.json')) return 'application/json';
    if (file.type === 'text/csv' || file.type === 'application/json' || NDJSON_TYPES.includes(file.type)) return file.type;
    return 'application/octet-stream';
  }

  // One POST /api/usage. Resolves with {status, data, res} for any HTTP answer (`res` offers
  // headers.get for retryAfterOf); rejects with an ApiError when no answer came.
  function sendUpload(file, token, onProgress, onSent) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      upload.xhr = xhr;
      const done = () => { if (upload.xhr === xhr) upload.xhr = null; };
      xhr.open('POST', `/api/usage?filename=${encodeURIComponent(file.name)}&upload_ref=${upload.ref}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', contentTypeFor(file));
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      });
      xhr.upload.addEventListener('load', () => onSent());
      xhr.addEventListener('load', () => {
        done();
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        resolve({ status: xhr.status, data, res: { headers: { get: (name) => xhr.getResponseHeader(name) } } });
      });
      const fail = (code, message) => () => { done(); reject(new ApiError(0, code, message)); };
      xhr.addEventListener('error', fail('NETWORK', 'the server could not be reached. Check your connection and try again.'));
      xhr.addEventListener('timeout', fail('TIMEOUT', 'the upload timed out.'));
      xhr.addEventListener('abort', fail('ABORTED', 'the upload was cancelled.'));
      xhr.send(file);
    });
  }

  // An HTTP answer that is not 2xx as an ApiError; `data` keeps the body (a 422 carries the
  // problems there), and a 429 gets retryAfterMs from retry_after_ms or Retry-After.
  function uploadError({ status, data, res }) {
    if (status >= 200 && status < 300) return null;
    const body = (data && data.error) || {};
    const e = new ApiError(status, body.code || `HTTP_${status}`, body.message || `the server answered ${status}.`,
      status === 429 ? retryAfterOf(res, body) : undefined);
    e.data = data;
    return e;
  }

  // POST /api/usage with the session's token, refreshing once and sending once more on a
  // stale-token 401, as authedApi does. Answers the 201 body; anything else throws.
  async function uploadUsage(file, onProgress, onSent) {
    if (session && session.refresh_token && accessExpiringSoon()) await refreshSession();
    if (!session) throw new ApiError(401, 'unauthorized', 'Not logged in.');
    const used = session.access_token;
    let answer = await sendUpload(file, used, onProgress, onSent);
    let err = uploadError(answer);
    if (err && isStaleTokenError(err) && session && session.refresh_token) {
      if (session.access_token === used) await refreshSession();
      if (!session) throw err;
      onProgress(0);
      answer = await sendUpload(file, session.access_token, onProgress, onSent);
      err = uploadError(answer);
    }
    if (err) throw err;
    return answer.data;
  }

  function chosenFile() {
    return el.uploadInput.files && el.uploadInput.files.length ? el.uploadInput.files[0] : null;
  }

  function showUploadMessage(text) {
    el.uploadResult.replaceChildren(make('p', 'upload-error', text));
  }

  async function startUpload(file) {
    if (!session || upload.busy) return;
    const wait = upload.blockedUntil - Date.now();
    if (wait > 0) {
      showUploadMessage(`Too many uploads: try again in ${seconds(wait)} s.`);
      return;
    }
    if (file.size === 0) {
      showUploadMessage(`${file.name} is empty. Nothing was uploaded.`);
      return;
    }
    const epoch = auth.epoch;
    setUploading(true, file);
    try {
      const data = await uploadUsage(file, setUploadProgress, () => setUploadProcessing(file));
      if (epoch !== auth.epoch) return;
      renderUploadSummary((data && data.upload) || {}, file.name);
      el.uploadInput.value = '';
      loadUploads();
    } catch (e) {
      if (epoch !== auth.epoch || !session) return; // logged out meanwhile, or a refresh 401 ended the session
      if (e.status === 422 && e.data && Array.isArray(e.data.problems)) {
        renderUploadProblems(e.data, file.name);
      } else if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
      } else if (e.status === 429) {
        blockUploads(e.retryAfterMs);
      } else if (e.status === 413) {
        showUploadMessage(`${file.name} (${fileSize(file.size)}) is larger than the server's upload limit. Nothing was stored.`);
      } else {
        showUploadMessage(`${file.name} was not uploaded: ${e.message}`);
      }
    } finally {
      if (epoch === auth.epoch) setUploading(false);
    }
  }

  function setUploading(on, file) {
    upload.busy = on;
    el.uploadButton.disabled = on || upload.blockedUntil > Date.now();
    el.uploadInput.disabled = on;
    el.uploadProgress.hidden = !on;
    el.uploadPercent.hidden = !on;
    el.uploadServer.textContent = '';
    upload.ref = on ? newUploadRef() : null;
    if (on) {
      el.uploadResult.replaceChildren();
      setUploadProgress(0);
      el.uploadStatus.textContent = `Uploading ${file.name}…`;
    } else {
      el.uploadStatus.textContent = '';
    }
  }

  function setUploadProgress(fraction) {
    const f = Math.max(0, Math.min(1, Number(fraction) || 0));
    el.uploadProgress.value = f;
    el.uploadPercent.textContent = `${Math.round(f * 100)}%`;
  }

  // Every byte is sent; the server now parses and stores the rows.
  function setUploadProcessing(file) {
    setUploadProgress(1);
    el.uploadStatus.textContent = `Checking and storing ${file.name}…`;
  }

  function newUploadRef() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    return `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  }

  // The server's side of the upload in flight: rows read, then rows stored, then done.
  function onUploadProgress(frame) {
    if (!upload.busy || frame.upload_ref !== upload.ref) return;
    const rows = COUNT.format(Number(frame.rows) || 0);
    const percent = Number.isFinite(frame.percent) ? ` (${Math.round(frame.percent)}%)` : '';
    if (frame.phase === 'parsing') el.uploadServer.textContent = `Server: ${rows} rows read${percent}`;
    else if (frame.phase === 'storing') el.uploadServer.textContent = `Server: ${rows} rows stored${percent}`;
    else if (frame.phase === 'done') el.uploadServer.textContent = `Server: done, ${rows} rows stored`;
  }

  function blockUploads(ms) {
    const wait = Number.isFinite(ms) && ms >= 0 ? ms : 1000;
    upload.blockedUntil = Date.now() + wait;
    showUploadMessage(`Too many uploads: try again in ${seconds(wait)} s. Nothing was stored.`);
    el.uploadButton.disabled = true;
    clearTimeout(upload.blockTimer);
    upload.blockTimer = setTimeout(() => {
      upload.blockTimer = null;
      upload.blockedUntil = 0;
      if (!upload.busy) el.uploadButton.disabled = false;
    }, wait);
  }

  function addFact(list, term, value, className) {
    const dt = make('dt', null, term);
    const dd = make('dd', className, value);
    list.append(dt, dd);
  }

  function renderUploadSummary(u, fallbackName) {
    const card = make('article', 'upload-card');
    card.dataset.uploadId = u.upload_id || '';
    const title = make('h4', 'upload-card-title', `Stored: ${u.source || fallbackName}`);
    title.id = 'upload-card-title';
    card.setAttribute('aria-labelledby', title.id);
    const facts = make('dl', 'upload-facts');
    addFact(facts, 'File', u.source || fallbackName, 'upload-file');
    addFact(facts, 'Rows', COUNT.format(Number(u.rows) || 0), 'upload-rows');
    addFact(facts, 'Dates', dateRange(u.first_ts, u.last_ts), 'upload-range');
    addFact(facts, 'Spend', money(u.cost_usd), 'upload-spend');
    if (u.format) addFact(facts, 'Format', String(u.format).toUpperCase(), 'upload-format');
    card.append(title, facts);
    const unpriced = Array.isArray(u.unpriced_models) ? u.unpriced_models.filter(Boolean).map(String) : [];
    if (unpriced.length) {
      card.append(make('p', 'upload-warning',
        `Warning: no price is known for ${unpriced.length === 1 ? 'this model' : 'these models'}, so its rows without `
        + `a cost are not in the spend: ${unpriced.join(', ')}.`));
    }
    const analyze = make('button', 'needs-connection', 'Analyze this data');
    analyze.type = 'button';
    analyze.id = 'upload-analyze';
    analyze.disabled = !conn.ready || Boolean(chat.pending);
    analyze.addEventListener('click', () => sendMessage(ANALYZE_PROMPT));
    card.append(analyze);
    el.uploadResult.replaceChildren(card);
  }

  function renderUploadProblems(data, name) {
    const problems = data.problems;
    const total = Math.max(Number(data.problem_count) || 0, problems.length);
    const box = make('div', 'upload-rejected');
    box.append(make('h4', null, `${name} was rejected: ${count(total, 'problem', 'problems')} found`));
    box.append(make('p', 'upload-error', 'Nothing was stored. Fix the problems below and upload the whole file again.'));
    const table = make('table', 'upload-errors');
    table.id = 'upload-errors';
    table.append(make('caption', 'visually-hidden', `Problems in ${name}`));
    const head = make('tr');
    for (const label of ['Row', 'Column', 'Reason']) {
      const th = make('th', null, label);
      th.scope = 'col';
      head.append(th);
    }
    const thead = make('thead');
    thead.append(head);
    table.append(thead);
    const body = make('tbody');
    for (const p of problems) {
      const tr = make('tr');
      const row = Number(p && p.row);
      tr.append(
        make('td', 'problem-row', row === 0 ? '0 (whole file)' : String(p && p.row !== undefined ? p.row : '—')),
        make('td', 'problem-column', p && p.column ? p.column : '—'),
        make('td', 'problem-reason', (p && p.reason) || ''),
      );
      body.append(tr);
    }
    table.append(body);
    const wrap = scrollRegion('table-wrap', `Problems in ${name}`);
    wrap.append(table);
    box.append(wrap);
    if (total > problems.length) {
      box.append(make('p', 'upload-more', `…and ${total - problems.length} more not listed.`));
    }
    el.uploadResult.replaceChildren(box);
  }

  // ---------------------------------------------------------------- uploads list

  async function loadUploads() {
    if (!session) return;
    upload.listGeneration += 1;
    const generation = upload.listGeneration;
    if (!el.uploads.children.length) {
      el.uploadsEmpty.hidden = false;
      el.uploadsEmpty.textContent = 'Loading your uploads…';
    }
    try {
      if (session.refresh_token && accessExpiringSoon()) await refreshSession();
      const data = await authedApi('/api/usage/uploads', { method: 'GET' });
      if (generation !== upload.listGeneration || !session) return;
      renderUploads(Array.isArray(data && data.uploads) ? data.uploads : []);
    } catch (e) {
      if (generation !== upload.listGeneration || !session) return;
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      el.uploadsEmpty.hidden = false;
      el.uploadsEmpty.textContent = `Could not load your uploads: ${e.message}`;
    }
  }

  function renderUploads(list) {
    el.uploads.replaceChildren(...list.map(renderUploadItem));
    el.uploadsEmpty.textContent = 'No uploads yet.';
    el.uploadsEmpty.hidden = list.length > 0;
  }

  function renderUploadItem(u) {
    const li = make('li', 'upload-item');
    li.dataset.uploadId = u.upload_id || '';
    const info = make('div', 'upload-info');
    info.append(make('span', 'upload-name', uploadName(u)));
    // Each part stays on one line: a narrow screen breaks between them, never inside a date.
    const meta = make('span', 'upload-meta');
    const parts = [count(u.rows, 'row', 'rows'), money(u.cost_usd), dateRange(u.first_ts, u.last_ts)];
    parts.forEach((part, i) => {
      if (i > 0) meta.append(' · ');
      meta.append(make('span', 'nowrap', part));
    });
    info.append(meta);
    if (u.created_at) {
      const when = make('time', 'upload-date', `uploaded ${isoDate(u.created_at)}`);
      when.dateTime = u.created_at;
      info.append(when);
    }
    const del = make('button', 'secondary upload-delete', 'Delete');
    del.type = 'button';
    del.setAttribute('aria-label', `Delete ${uploadName(u)}`);
    del.addEventListener('click', () => { deleteUpload(u, del); });
    li.append(info, del);
    return li;
  }

  async function deleteUpload(u, button) {
    const name = uploadName(u);
    if (!window.confirm(`Delete ${name} and its ${count(u.rows, 'usage row', 'usage rows')}? This cannot be undone.`)) return;
    button.disabled = true;
    try {
      await authedApi(`/api/usage/uploads/${encodeURIComponent(u.upload_id)}`, { method: 'DELETE' });
    } catch (e) {
      if (!session) return;
      if (e.status === 401) {
        endSession(e.code === 'token_revoked' ? SIGNED_OUT : SESSION_ENDED);
        return;
      }
      if (e.status !== 404) { // 404: already gone (another tab); the refresh below shows that
        button.disabled = false;
        showAlert(`Could not delete ${name}: ${e.message}`);
        return;
      }
    }
    el.uploadStatus.textContent = `Deleted ${name}.`;
    const card = el.uploadResult.querySelector('.upload-card');
    if (card && card.dataset.uploadId === u.upload_id) el.uploadResult.replaceChildren();
    const hadFocus = document.activeElement === button;
    await loadUploads();
    if (hadFocus || !document.activeElement || document.activeElement === document.body) el.uploadsTitle.focus();
  }

  // The session ended: stop an upload in flight and forget the last user's uploads.
  function resetUploads() {
    upload.listGeneration += 1;
    const xhr = upload.xhr;
    upload.xhr = null;
    if (xhr) xhr.abort();
    upload.busy = false;
    clearTimeout(upload.blockTimer);
    upload.blockTimer = null;
    upload.blockedUntil = 0;
    el.uploadInput.value = '';
    el.uploadInput.disabled = false;
    el.uploadButton.disabled = false;
    el.uploadProgress.hidden = true;
    el.uploadPercent.hidden = true;
    el.uploadStatus.textContent = '';
    el.uploadResult.replaceChildren();
    el.uploads.replaceChildren();
    el.uploadsEmpty.textContent = 'No uploads yet.';
    el.uploadsEmpty.hidden = false;
    endDrag();
  }

  // ---------------------------------------------------------------- drag and drop

  function hasFiles(e) {
    return Boolean(e.dataTransfer) && Array.from(e.dataTransfer.types || []).includes('Files');
  }

  function endDrag() {
    upload.dragDepth = 0;
    el.dropZone.classList.remove('drop-active');
    el.dropHint.hidden = true;
  }

  function onDroppedFiles(files) {
    const list = Array.from(files || []);
    if (!list.length) return;
    if (upload.busy) {
      showAlert('An upload is already running; drop the file again when it has finished.');
      return;
    }
    const file = list[0];
    if (list.length > 1) showAlert(`One file at a time: uploading ${file.name} only.`);
    // Show the dropped file in the picker too (DataTransfer is constructible in current browsers).
    try {
      const dt = new DataTransfer();
      dt.items.add(file);
      el.uploadInput.files = dt.files;
    } catch (e) { /* the picker keeps its own choice */ }
    startUpload(file);
  }

  // Capture phase, so that a drop on any part of the conversation (the answers, the message
  // box) is seen here first, even a synthetic event that does not bubble.
  const capture = { capture: true };
  el.dropZone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    upload.dragDepth += 1;
    el.dropZone.classList.add('drop-active');
    el.dropHint.hidden = false;
  }, capture);
  el.dropZone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = upload.busy ? 'none' : 'copy';
    if (!el.dropZone.classList.contains('drop-active')) {
      el.dropZone.classList.add('drop-active');
      el.dropHint.hidden = false;
    }
  }, capture);
  el.dropZone.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    upload.dragDepth = Math.max(0, upload.dragDepth - 1);
    if (upload.dragDepth === 0 || (e.relatedTarget && !el.dropZone.contains(e.relatedTarget))) endDrag();
  }, capture);
  el.dropZone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    endDrag();
    onDroppedFiles(e.dataTransfer.files);
  }, capture);
  // A file dropped anywhere else must not make the browser leave the page to open it.
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (!el.dropZone.contains(e.target)) e.dataTransfer.dropEffect = 'none';
  });
  window.addEventListener('drop', (e) => { if (hasFiles(e)) { e.preventDefault(); endDrag(); } });
  window.addEventListener('dragend', endDrag);

  el.uploadInput.addEventListener('change', () => {
    const file = chosenFile();
    el.uploadStatus.textContent = file ? `Ready to upload ${file.name} (${fileSize(file.size)}): press Upload.` : '';
  });
  el.uploadButton.addEventListener('click', () => {
    const file = chosenFile();
    if (!file) {
      el.uploadStatus.textContent = 'Choose a usage file first.';
      el.uploadInput.focus();
      return;
    }
    startUpload(file);
  });


  // ---------------------------------------------------------------- wiring

  el.loginForm.addEventListener('submit', onLoginSubmit);
  el.logout.addEventListener('click', () => { logOut(); });
  el.newChat.addEventListener('click', () => startNewChat(true));
  el.historyLink.addEventListener('click', (e) => { // a hash link would change the open thread
    e.preventDefault();
    el.sidebar.scrollIntoView({ behavior: 'smooth' });
    el.sidebar.focus({ preventScroll: true });
  });
  document.querySelector('.skip-link').addEventListener('click', (e) => {
    e.preventDefault(); // #message in the address would read as "no thread open"
    el.message.focus();
  });
  el.composer.addEventListener('submit', (e) => { e.preventDefault(); sendMessage(el.message.value); });
  el.message.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendMessage(el.message.value);
    }
  });
  // An example question fills the box (so it can be read there) and is sent at once.
  for (const b of el.examples.querySelectorAll('button.example')) {
    b.addEventListener('click', () => {
      el.message.value = b.textContent.trim();
      sendMessage(el.message.value);
    });
  }
  window.addEventListener('hashchange', onLocationChange);
  window.addEventListener('popstate', onLocationChange);
  window.addEventListener('online', () => {
    if (!session) return;
    conn.attempt = 0;
    if (!conn.ws) connect();
  });
  window.addEventListener('offline', () => {
    if (session && !conn.ready) setStatus('offline', 'no network; reconnects when it is back');
  });

  // For diagnostics and browser tests: the live socket and a read-only view of the client state.
  // Nothing here that the page does not already hold; tokens are not exposed.
  window.apex = Object.freeze({
    get socket() { return conn.ws; },
    get state() {
      const runs = {};
      for (const [id, r] of chat.runs) {
        runs[id] = { state: r.panel.dataset.state, last_seq: r.applied, held: r.held.size, events: r.events,
          finished: r.finished, progress: r.progress };
      }
      return {
        status: el.status.dataset.state,
        connected: conn.ready,
        reconnect_attempt: conn.attempt,
        user_id: session ? session.user_id : null,
        email: session ? session.email : null,
        thread_id: chat.threadId,
        pending_client_msg_id: chat.pending ? chat.pending.frame.client_msg_id : null,
        runs,
      };
    },
  });

  session = loadSession();
  if (session) {
    scheduleRefresh(); // at 80% of the token's life, or at once if that has passed
    showChat();
  } else {
    showLogin('');
  }
})();
