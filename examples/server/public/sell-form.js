// The "Sell an item" form: builds the body of POST /auctions and shows every problem beside its
// field, whether the page found it (an amount it cannot read) or the API did (422 details).

import { fractionDigitsOf, parseMoney } from './money.js';

const MAX_SOFT_CLOSE_SECONDS = 86_400;

/** The API's names in its messages, as the form calls them. */
const FIELD_WORDS = [
  ['startingPrice', 'the starting price'],
  ['reservePrice', 'the reserve'],
  ['buyNowPrice', 'the buy-now price'],
  ['endsAt', 'the end'],
  ['startsAt', 'the start'],
];

/** Messages for the codes POST /auctions can answer with, besides 422. */
const REFUSALS = {
  UNAUTHORIZED: 'Please sign in again (your session expired).',
  RATE_LIMITED: 'Too many new auctions in a short time: try again in a moment.',
  AUCTION_EXISTS: 'An auction with that id already exists.',
  UNAVAILABLE: 'The auction house is busy or unavailable. Try again.',
  TIMEOUT: 'No answer in time: the auction may still appear in the list.',
  SHUTTING_DOWN: 'The server is restarting. Try again in a moment.',
};

/** The form field that an API issue path names ("softClose.windowMs"), or null for the whole form. */
function fieldOfPath(path) {
  if (['title', 'currency', 'startingPrice', 'reservePrice', 'buyNowPrice'].includes(path)) return path;
  if (path === 'endsAt' || path === 'startsAt') return 'duration';
  if (path === 'softClose.windowMs' || path === 'softClose.extendMs') return path;
  if (path.startsWith('softClose')) return 'softClose';
  return null;
}

/** "must not be below startingPrice" -> "Must not be below the starting price." */
function sentence(message) {
  let text = message;
  for (const [name, words] of FIELD_WORDS) text = text.replaceAll(name, words);
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function wholeNumber(text) {
  const compact = String(text).trim();
  return /^\d{1,15}$/.test(compact) ? Number(compact) : null;
}

/**
 * Wires the form. `api(method, path, body)` answers `{ ok, status, data }`; `session()` is
 * `{ token, userId }`; `serverNow()` is the server's clock; `onCreated(auction)` runs after a 201;
 * `onUnauthorized()` when the token is refused. Returns `{ render }` (call it when the session changes).
 */
export function setUpSellForm({ api, session, serverNow, onCreated, onUnauthorized }) {
  const form = document.getElementById('sell-form');
  const field = (name) => form.querySelector(`[data-field="${name}"]`);
  const input = (id) => document.getElementById(id);
  const message = document.getElementById('sell-message');
  const submit = document.getElementById('sell-submit');
  let sending = false;

  function errorElementOf(name) {
    return field(name).querySelector(':scope > .field-error');
  }

  function showFieldError(name, text) {
    const element = errorElementOf(name);
    element.textContent = text;
    element.hidden = false;
    field(name).classList.add('invalid');
  }

  function clearErrors() {
    for (const element of form.querySelectorAll('.field-error')) {
      element.hidden = true;
      element.textContent = '';
    }
    for (const element of form.querySelectorAll('.invalid')) element.classList.remove('invalid');
    message.hidden = true;
  }

  function showMessage(text, kind) {
    message.textContent = text;
    message.className = `message ${kind}`;
    message.hidden = false;
  }

  function currency() {
    return input('sell-currency').value;
  }

  function renderCurrency() {
    const code = currency();
    const digits = fractionDigitsOf(code);
    for (const unit of form.querySelectorAll('[data-currency-unit]')) unit.textContent = code;
    input('sell-starting').placeholder = digits === 0 ? '1000' : `10.${'0'.repeat(digits)}`;
  }

  function render() {
    const signedIn = Boolean(session().token);
    submit.disabled = !signedIn || sending;
    document.getElementById('sell-signin-hint').hidden = signedIn;
  }

  /** The request body, or null after showing what is wrong beside each field. */
  function readBody() {
    const problems = [];
    const code = currency();
    const title = input('sell-title').value.trim();
    if (title === '') problems.push(['title', 'Enter a title: what are you selling?']);
    const body = { title, currency: code };

    const amounts = [
      ['startingPrice', 'sell-starting', true],
      ['reservePrice', 'sell-reserve', false],
      ['buyNowPrice', 'sell-buy-now', false],
    ];
    for (const [name, id, required] of amounts) {
      const text = input(id).value;
      if (text.trim() === '' && !required) continue;
      const parsed = parseMoney(text, code);
      if (parsed.error) problems.push([name, parsed.error]);
      else body[name] = parsed.minor;
    }

    const count = wholeNumber(input('sell-duration').value);
    if (count === null || count === 0) problems.push(['duration', 'Enter a whole number of at least 1.']);
    else body.endsAt = Math.round(serverNow()) + count * Number(input('sell-duration-unit').value);

    if (input('sell-soft-close').checked) {
      const seconds = {};
      for (const [name, id] of [
        ['softClose.windowMs', 'sell-window'],
        ['softClose.extendMs', 'sell-extend'],
      ]) {
        const value = wholeNumber(input(id).value);
        if (value === null || value < 1 || value > MAX_SOFT_CLOSE_SECONDS)
          problems.push([name, `Enter a whole number of seconds from 1 to ${MAX_SOFT_CLOSE_SECONDS} (a day).`]);
        else seconds[name] = value * 1000;
      }
      body.softClose = { windowMs: seconds['softClose.windowMs'], extendMs: seconds['softClose.extendMs'] };
    }

    for (const [name, text] of problems) showFieldError(name, text);
    return problems.length === 0 ? body : null;
  }

  function showRefusal(error) {
    if (error?.code === 'INVALID_INPUT' && Array.isArray(error.details)) {
      const unplaced = [];
      for (const detail of error.details) {
        const name = fieldOfPath(String(detail.path ?? ''));
        if (name === null) unplaced.push(sentence(String(detail.message)));
        else showFieldError(name, sentence(String(detail.message)));
      }
      showMessage(unplaced.length > 0 ? unplaced.join(' ') : 'Please correct the fields marked above.', 'error');
      return;
    }
    showMessage((error && REFUSALS[error.code]) || error?.message || 'The auction could not be listed.', 'error');
    if (error?.code === 'UNAUTHORIZED') onUnauthorized();
  }

  async function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    if (!session().token) {
      showMessage('Sign in (top right) to list an item.', 'error');
      return;
    }
    const body = readBody();
    if (body === null) {
      form.querySelector('.invalid input, .invalid select')?.focus();
      return;
    }
    sending = true;
    render();
    try {
      const { ok, data } = await api('POST', '/auctions', body);
      if (ok) {
        reset();
        onCreated(data);
      } else {
        showRefusal(data.error);
        form.querySelector('.invalid input, .invalid select')?.focus();
      }
    } catch {
      showMessage('The server could not be reached. Try again.', 'error');
    } finally {
      sending = false;
      render();
    }
  }

  function reset() {
    for (const id of ['sell-title', 'sell-starting', 'sell-reserve', 'sell-buy-now']) input(id).value = '';
    clearErrors();
  }

  function onSoftCloseToggle() {
    const on = input('sell-soft-close').checked;
    input('sell-window').disabled = !on;
    input('sell-extend').disabled = !on;
  }

  form.addEventListener('submit', onSubmit);
  input('sell-currency').addEventListener('change', renderCurrency);
  input('sell-soft-close').addEventListener('change', onSoftCloseToggle);
  renderCurrency();
  render();
  return { render };
}
