// The live auction page: plain JavaScript modules, no build step.
// Reads, bids and new auctions go over HTTP (/auctions...); live updates come over the WebSocket at /ws.
// Money is integer minor units everywhere; it is formatted only for display.

import { isEnded, isWinner, resultSentence, resultWord } from './auction-result.js';
import { formatMoney, minorToDecimal, parseMoney } from './money.js';
import { setUpSellForm } from './sell-form.js';

const $ = (id) => document.getElementById(id);

/** Messages for every code a bid (or buy-now) can be refused with. */
const REJECTIONS = {
  AUCTION_NOT_FOUND: () => 'This auction does not exist (any more).',
  AUCTION_NOT_OPEN: () => 'This auction has not started yet.',
  AUCTION_ENDED: () => 'Too late: this auction has ended.',
  AUCTION_CANCELLED: () => 'This auction was cancelled.',
  BID_TOO_LOW: (e, a) =>
    e.details && e.details.minimumBid != null
      ? `Too low: the minimum bid is ${money(e.details.minimumBid, a)}. If you lead, your new maximum must be above your current one.`
      : 'Too low: bid more than the minimum (or more than your own current maximum).',
  SELLER_CANNOT_BID: () => 'You are the seller: you cannot bid on your own auction.',
  BUY_NOW_UNAVAILABLE: () => 'Buy now is no longer available (a bid came first).',
  INVALID_BID: (e) => `That bid is not valid: ${e.message}`,
  INVALID_INPUT: (e) => `That is not valid: ${e.message}`,
  DUPLICATE_BID: () => 'That bid id was already used for another bid.',
  RATE_LIMITED: () => 'Slow down a little: too many bids in a short time. Try again in a moment.',
  UNAUTHORIZED: () => 'Please sign in again (your session expired).',
  FORBIDDEN: () => 'You are not allowed to do that.',
  UNAVAILABLE: () => 'The auction house is busy or unavailable. Try again.',
  TIMEOUT: () => 'No answer in time; your bid may still count. Watch the history.',
  SHUTTING_DOWN: () => 'The server is restarting. Try again in a moment.',
};

const state = {
  token: localStorage.getItem('outcry.token'),
  userId: localStorage.getItem('outcry.userId'),
  /** id -> public auction view, kept live by snapshots and events. */
  auctions: new Map(),
  /** The auction open in the room, or null. */
  current: null,
  /** Server clock minus ours, from snapshots and pongs. */
  clockOffset: 0,
  socket: null,
  /** The auction the outbid notice is about, or null. */
  outbidOn: null,
  subscribed: new Set(),
  retryMs: 500,
};

// ---- formatting ---------------------------------------------------------------------------

/** Minor units -> "$1,234.50" in the auction's currency. */
function money(minor, auction) {
  return formatMoney(minor, auction ? auction.currency : 'USD');
}
function serverNow() {
  return Date.now() + state.clockOffset;
}
function timeLeft(auction) {
  if (auction.status === 'scheduled') return `starts in ${duration(auction.startsAt - serverNow())}`;
  if (auction.status !== 'open') return resultWord(auction);
  const ms = auction.endsAt - serverNow();
  return ms <= 0 ? 'closing…' : duration(ms);
}
function duration(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${String(m).padStart(2, '0')}m`;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${sec}s` : `${m}:${sec}`;
}
function statusText(auction) {
  if (auction.status === 'open') return 'live';
  if (auction.status === 'closed') return 'ended';
  return auction.status;
}
/** What the big figure is: the live price, or what the auction ended at. */
function priceLabel(auction) {
  if (!isEnded(auction)) return 'Current price';
  switch (auction.result?.outcome) {
    case 'sold':
    case 'bought-now':
      return 'Sold for';
    case 'reserve-not-met':
      return 'Highest bid';
    case 'unsold':
      return 'Starting price';
    default:
      return 'Price';
  }
}
function bidsText(auction) {
  return `${auction.bidCount} bid${auction.bidCount === 1 ? '' : 's'}`;
}
/** The line under a title in the list: live figures, or the result once ended. */
function listMeta(auction) {
  if (isEnded(auction))
    return auction.bidCount === 0 ? resultWord(auction) : `${resultWord(auction)} · ${bidsText(auction)}`;
  return `${statusText(auction)} · ${bidsText(auction)} · ${timeLeft(auction)}`;
}

// ---- HTTP ---------------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// ---- session ------------------------------------------------------------------------------

async function login(userId) {
  const { ok, data } = await api('POST', '/session', { userId });
  if (!ok) {
    show($('login-message'), data.error ? data.error.message : 'Could not sign in.', 'error');
    return;
  }
  hide($('login-message'));
  state.token = data.token;
  state.userId = data.userId;
  localStorage.setItem('outcry.token', data.token);
  localStorage.setItem('outcry.userId', data.userId);
  send({ type: 'auth', token: data.token });
  renderSession();
  renderRoom();
}

function logout() {
  state.token = null;
  state.userId = null;
  localStorage.removeItem('outcry.token');
  localStorage.removeItem('outcry.userId');
  // The socket stays authenticated as the old user: start a fresh, anonymous one.
  if (state.socket) state.socket.close();
  renderSession();
  renderRoom();
}

function renderSession() {
  const signedIn = Boolean(state.token);
  $('login-form').hidden = signedIn;
  $('whoami').hidden = !signedIn;
  $('whoami-name').textContent = state.userId || '';
  sellForm.render();
}

// ---- live updates -------------------------------------------------------------------------

function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.addEventListener('open', () => {
    state.retryMs = 500;
    setConnection('live', true);
    if (state.token) send({ type: 'auth', token: state.token });
    state.subscribed.clear();
    for (const id of state.auctions.keys()) subscribe(id);
    send({ type: 'ping' });
  });
  socket.addEventListener('message', (message) => {
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    onFrame(frame);
  });
  socket.addEventListener('close', () => {
    if (state.socket !== socket) return;
    state.socket = null;
    setConnection('reconnecting…', false);
    setTimeout(connect, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 10_000);
  });
}

function setConnection(text, live) {
  const el = $('connection');
  el.textContent = text;
  el.classList.toggle('live', live);
}

function send(frame) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(frame));
}

function subscribe(auctionId) {
  if (state.subscribed.has(auctionId)) return;
  const auction = state.auctions.get(auctionId);
  // Ended auctions do not change: no need to watch them.
  if (auction && (auction.status === 'closed' || auction.status === 'cancelled')) return;
  state.subscribed.add(auctionId);
  send({ type: 'subscribe', auctionId });
}

function onFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      state.clockOffset = frame.serverTime - Date.now();
      upsert(frame.auction);
      break;
    case 'event':
      applyEvent(frame.event);
      break;
    case 'outbid':
      onOutbid(frame);
      break;
    case 'pong':
      state.clockOffset = frame.serverTime - Date.now();
      break;
    case 'error':
      if (frame.code === 'UNAUTHORIZED' && state.token) logout();
      break;
    default:
      break;
  }
}

/** Applies one live event to the auction it belongs to; older or repeated events change nothing. */
function applyEvent(event) {
  const auction = state.auctions.get(event.auctionId);
  if (!auction) return;
  // Events of one change share its seq, so an event at the auction's seq may still be news
  // (the extension after a bid); applying one twice changes nothing, an older one is skipped.
  if (event.seq < auction.seq) return;
  const next = { ...auction, seq: Math.max(auction.seq, event.seq) };
  switch (event.type) {
    case 'bid.accepted':
      Object.assign(next, {
        price: event.price,
        leaderId: event.leaderId,
        bidCount: event.bidCount,
        minimumBid: event.minimumBid,
        reserveMet: event.reserveMet,
        endsAt: event.endsAt,
        buyNowAvailable: false,
      });
      if (state.current === auction.id)
        addHistoryRow(
          {
            seq: event.seq,
            bidderId: event.bidderId,
            price: event.price,
            leaderId: event.leaderId,
            at: event.at,
            buyNow: event.buyNow,
          },
          next,
        );
      break;
    case 'auction.extended':
      Object.assign(next, { endsAt: event.endsAt, extensions: event.extensions });
      if (state.current === auction.id) {
        const added = Math.round((event.endsAt - event.previousEndsAt) / 1000);
        show(
          $('room-extended'),
          `Extended by ${added} s: a late bid moved the end (soft close, extension ${event.extensions}).`,
          'info',
        );
        flash($('room-countdown'));
      }
      break;
    case 'auction.opened':
      Object.assign(next, { status: 'open', endsAt: event.endsAt });
      break;
    case 'auction.closed':
      Object.assign(next, { status: 'closed', result: event.result, minimumBid: null });
      break;
    case 'auction.cancelled':
      Object.assign(next, { status: 'cancelled', result: event.result, minimumBid: null });
      break;
    default:
      return;
  }
  upsert(next);
}

function onOutbid(frame) {
  const auction = state.auctions.get(frame.auctionId);
  // A notice that arrives after the end would invite a bid that can no longer be placed.
  if (auction && isEnded(auction)) return;
  state.outbidOn = frame.auctionId;
  const name = auction ? `“${auction.title}”` : 'an auction';
  const el = $('outbid');
  el.innerHTML = '';
  const text = document.createElement('span');
  text.textContent = `You have been outbid on ${name}: the price is now ${money(frame.price, auction)}. `;
  const link = document.createElement('a');
  link.href = `#/auction/${encodeURIComponent(frame.auctionId)}`;
  link.textContent = 'Bid again';
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'link';
  close.textContent = 'dismiss';
  close.addEventListener('click', hideOutbid);
  el.append(text, link, ' ', close);
  el.hidden = false;
  // "You lead" under the form is no longer true.
  if (state.current === frame.auctionId) hide($('bid-message'));
}

function hideOutbid() {
  state.outbidOn = null;
  hide($('outbid'));
  $('outbid').replaceChildren();
}

// ---- the list -----------------------------------------------------------------------------

async function loadList() {
  const { ok, data } = await api('GET', '/auctions?limit=50');
  if (!ok) return;
  for (const auction of data.items) {
    const known = state.auctions.get(auction.id);
    if (!known || known.seq < auction.seq) state.auctions.set(auction.id, auction);
    subscribe(auction.id);
  }
  renderList();
}

function upsert(auction) {
  const known = state.auctions.get(auction.id);
  if (known && known.seq > auction.seq) return;
  state.auctions.set(auction.id, auction);
  if (state.outbidOn === auction.id && isEnded(auction)) hideOutbid();
  renderList();
  if (state.current === auction.id) renderRoom();
}

function sortedAuctions() {
  const rank = { open: 0, scheduled: 1, closed: 2, cancelled: 3 };
  return [...state.auctions.values()].sort((a, b) => rank[a.status] - rank[b.status] || a.endsAt - b.endsAt);
}

function renderList() {
  const list = $('auction-list');
  const auctions = sortedAuctions();
  $('list-empty').hidden = auctions.length > 0;
  const items = auctions.map((auction) => {
    const li = document.createElement('li');
    li.className = `auction-item ${auction.status}${state.current === auction.id ? ' selected' : ''}`;
    li.dataset.auctionId = auction.id;
    const link = document.createElement('a');
    link.href = `#/auction/${encodeURIComponent(auction.id)}`;
    const title = document.createElement('span');
    title.className = 'item-title';
    title.textContent = auction.title;
    const price = document.createElement('span');
    price.className = 'item-price';
    price.textContent = money(auction.price, auction);
    const meta = document.createElement('span');
    meta.className = 'item-meta';
    meta.dataset.countdownFor = auction.id;
    meta.textContent = listMeta(auction);
    link.append(title, price, meta);
    li.append(link);
    return li;
  });
  list.replaceChildren(...items);
}

// ---- the room -----------------------------------------------------------------------------

async function openRoom(auctionId) {
  state.current = auctionId;
  hide($('bid-message'));
  hide($('room-extended'));
  $('history').replaceChildren();
  let auction = state.auctions.get(auctionId);
  if (!auction) {
    const { ok, data } = await api('GET', `/auctions/${encodeURIComponent(auctionId)}`);
    if (!ok) {
      state.current = null;
      location.hash = '#/';
      return;
    }
    auction = data;
    state.auctions.set(auction.id, auction);
  }
  subscribe(auctionId);
  renderList();
  renderRoom();
  const afterSeq = Math.max(0, auction.seq - 60);
  const { ok, data } = await api(
    'GET',
    `/auctions/${encodeURIComponent(auctionId)}/bids?afterSeq=${afterSeq}&limit=100`,
  );
  if (ok && state.current === auctionId) {
    for (const row of data.items) addHistoryRow(row, state.auctions.get(auctionId));
  }
}

/** Shows one of the main panels: the welcome, an auction's room, or the sell form. */
function showPanel(name) {
  $('welcome').hidden = name !== 'welcome';
  $('room').hidden = name !== 'room';
  $('sell').hidden = name !== 'sell';
}

function openWelcome() {
  state.current = null;
  showPanel('welcome');
  renderList();
}

function openSell() {
  state.current = null;
  showPanel('sell');
  renderList();
  sellForm.render();
  $('sell-title').focus();
}

function renderRoom() {
  const auction = state.current ? state.auctions.get(state.current) : null;
  if (!auction) return;
  showPanel('room');
  const ended = isEnded(auction);
  const mine = Boolean(state.userId) && auction.sellerId === state.userId;
  $('room-title').textContent = auction.title;
  const badge = $('room-status');
  badge.textContent = statusText(auction);
  badge.className = `badge ${auction.status}`;

  $('room-price-label').textContent = priceLabel(auction);
  $('room-price').textContent = money(auction.price, auction);
  const won = ended && auction.result && auction.result.winnerId !== null;
  $('room-leader-label').textContent = won ? 'Winner' : ended ? 'Highest bidder' : 'Leader';
  $('room-leader').textContent = auction.leaderId
    ? auction.leaderId === state.userId
      ? 'You'
      : auction.leaderId
    : ended
      ? '—'
      : 'no bids yet';
  $('room-leader').classList.toggle('you', auction.leaderId === state.userId && Boolean(state.userId));
  $('room-minimum-figure').hidden = ended;
  $('history-empty').textContent = ended
    ? 'No bids were placed.'
    : mine
      ? 'No bids yet.'
      : 'No bids yet: be the first.';
  $('room-minimum').textContent = auction.minimumBid == null ? '—' : money(auction.minimumBid, auction);

  $('room-bids').textContent = bidsText(auction);
  $('room-reserve').textContent = auction.hasReserve
    ? auction.reserveMet
      ? 'reserve met'
      : ended
        ? 'reserve not met'
        : 'reserve not met yet'
    : 'no reserve';
  $('room-seller').textContent = `seller: ${mine ? 'you' : auction.sellerId}`;
  $('room-extensions').textContent = auction.extensions > 0 ? ` · extended ${auction.extensions}×` : '';
  $('room-ended-at').textContent =
    auction.status === 'closed' ? ` · ended ${new Date(auction.endsAt).toLocaleString()}` : '';
  $('bid-currency').textContent = auction.currency;
  renderCountdown();

  const result = $('room-result');
  result.hidden = !ended;
  result.textContent = ended ? resultSentence(auction, state.userId) : '';
  result.className = `result ${ended ? (auction.result?.outcome ?? auction.status) : ''}`;
  result.classList.toggle('won', isWinner(auction, state.userId));
  if (ended) hide($('room-extended'));

  $('bid-form').hidden = ended || mine;
  $('seller-note').hidden = ended || !mine;
  const canBid = Boolean(state.token) && auction.status === 'open';
  $('bid-amount').disabled = !canBid;
  $('bid-submit').disabled = !canBid;
  $('bid-submit').textContent = state.token ? 'Place bid' : 'Sign in to bid';
  if (auction.minimumBid != null)
    $('bid-amount').placeholder = `${minorToDecimal(auction.minimumBid, auction.currency)} or more`;
  const buyNow = $('buy-now');
  buyNow.hidden = !(auction.buyNowAvailable && auction.buyNowPrice != null && auction.status === 'open');
  buyNow.disabled = !canBid;
  if (auction.buyNowPrice != null) buyNow.textContent = `Buy now for ${money(auction.buyNowPrice, auction)}`;
}

function renderCountdown() {
  for (const el of document.querySelectorAll('[data-countdown-for]')) {
    const auction = state.auctions.get(el.dataset.countdownFor);
    if (auction) el.textContent = listMeta(auction);
  }
  const auction = state.current ? state.auctions.get(state.current) : null;
  if (!auction) return;
  const el = $('room-countdown');
  el.textContent = timeLeft(auction);
  $('room-countdown-label').textContent = isEnded(auction)
    ? 'Result'
    : auction.status === 'scheduled'
      ? 'Starts'
      : 'Time left';
  const soon = auction.status === 'open' && auction.endsAt - serverNow() < 30_000;
  el.classList.toggle('soon', soon);
}

function addHistoryRow(row, auction) {
  const list = $('history');
  if (list.querySelector(`[data-seq="${row.seq}"]`)) return;
  const li = document.createElement('li');
  li.dataset.seq = String(row.seq);
  const who = row.bidderId === state.userId ? 'You' : row.bidderId;
  const when = new Date(row.at).toLocaleTimeString();
  const leader =
    row.leaderId === row.bidderId ? 'leads' : `${row.leaderId === state.userId ? 'you' : row.leaderId} still leads`;
  li.textContent = `${when} · ${who} ${row.buyNow ? 'bought it now' : 'bid'} → price ${money(row.price, auction)} (${leader})`;
  if (row.bidderId === state.userId) li.classList.add('mine');
  // Newest first: insert before the first row with a lower seq.
  const after = [...list.children].find((child) => Number(child.dataset.seq) < row.seq);
  list.insertBefore(li, after || null);
  $('history-empty').hidden = list.children.length > 0;
}

async function placeBid(event) {
  event.preventDefault();
  const auction = state.auctions.get(state.current);
  if (!auction) return;
  if (!state.token) {
    $('login-name').focus();
    return;
  }
  const parsed = parseMoney($('bid-amount').value, auction.currency);
  if (parsed.error || parsed.minor <= 0) {
    show($('bid-message'), parsed.error ?? 'Enter an amount above zero.', 'error');
    return;
  }
  const amount = parsed.minor;
  $('bid-submit').disabled = true;
  try {
    const { ok, data } = await api('POST', `/auctions/${encodeURIComponent(auction.id)}/bids`, { amount });
    if (ok) {
      $('bid-amount').value = '';
      hide($('outbid'));
      const message = data.leading
        ? `Bid accepted: you lead at ${money(data.price, auction)} (your maximum ${money(amount, auction)} stays hidden).`
        : `Bid accepted, but someone's maximum is higher: the price is now ${money(data.price, auction)}.`;
      show($('bid-message'), message, data.leading ? 'ok' : 'warn');
    } else {
      show($('bid-message'), rejectionMessage(data.error, auction), 'error');
      if (data.error && data.error.code === 'UNAUTHORIZED') logout();
    }
  } catch {
    show($('bid-message'), 'The server could not be reached. Try again.', 'error');
  } finally {
    renderRoom();
  }
}

async function buyNow() {
  const auction = state.auctions.get(state.current);
  if (!auction || !state.token) return;
  if (!confirm(`Buy “${auction.title}” now for ${money(auction.buyNowPrice, auction)}?`)) return;
  const { ok, data } = await api('POST', `/auctions/${encodeURIComponent(auction.id)}/buy-now`, {});
  if (ok) show($('bid-message'), `Bought for ${money(data.price, auction)}!`, 'ok');
  else show($('bid-message'), rejectionMessage(data.error, auction), 'error');
}

function rejectionMessage(error, auction) {
  if (!error) return 'The bid failed.';
  const describe = REJECTIONS[error.code];
  return describe ? describe(error, auction) : error.message;
}

// ---- small helpers ------------------------------------------------------------------------

function show(el, text, kind) {
  el.textContent = text;
  el.classList.remove('ok', 'warn', 'error', 'info');
  el.classList.add('message', kind);
  el.hidden = false;
}
function hide(el) {
  el.hidden = true;
}
function flash(el) {
  el.classList.remove('flash');
  void el.offsetWidth;
  el.classList.add('flash');
}

function route() {
  const match = /^#\/auction\/(.+)$/.exec(location.hash);
  if (match) void openRoom(decodeURIComponent(match[1]));
  else if (location.hash === '#/sell') openSell();
  else openWelcome();
}

/** A new auction from the sell form: into the list, and open. */
function onCreated(auction) {
  upsert(auction);
  subscribe(auction.id);
  location.hash = `#/auction/${encodeURIComponent(auction.id)}`;
}

// ---- start --------------------------------------------------------------------------------

const sellForm = setUpSellForm({ api, session: () => state, serverNow, onCreated, onUnauthorized: logout });

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void login($('login-name').value.trim());
});
$('logout').addEventListener('click', logout);
$('bid-form').addEventListener('submit', placeBid);
$('buy-now').addEventListener('click', buyNow);
window.addEventListener('hashchange', route);

renderSession();
connect();
void loadList().then(route);
// New auctions appear in the list (events only come for watched ones); the countdown ticks.
setInterval(loadList, 10_000);
setInterval(renderCountdown, 250);
setInterval(() => send({ type: 'ping' }), 15_000);
