// Money on the page: the API speaks integer minor units (cents); people read and type major units.
// Typed amounts are parsed as decimal text, digit by digit, never through floating point.

/** The largest amount the API takes, in minor units (10^15). */
export const MAX_MINOR_UNITS = 10n ** 15n;

const formatters = new Map();

function formatterOf(currency) {
  let formatter = formatters.get(currency);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** How many digits the currency has after the decimal point: 2 for USD, 0 for JPY, 3 for BHD. */
export function fractionDigitsOf(currency) {
  return formatterOf(currency).resolvedOptions().maximumFractionDigits;
}

/** Minor units as major-unit decimal text, exactly: 123456 USD -> "1234.56", 500 JPY -> "500". */
export function minorToDecimal(minor, currency) {
  const digits = fractionDigitsOf(currency);
  const text = String(minor).padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Minor units for display: 123456 USD -> "$1,234.56". */
export function formatMoney(minor, currency) {
  // Intl formats a decimal string exactly; a Number would round amounts past 2^53.
  return formatterOf(currency).format(minorToDecimal(minor, currency));
}

/**
 * Typed major units to minor units: "12.50" USD -> { minor: 1250 }. Spaces, underscores and
 * apostrophes may group digits; one "." or "," is the decimal point. Anything else, more decimals
 * than the currency has, or more than the API takes, is { error } in words.
 */
export function parseMoney(text, currency) {
  const digits = fractionDigitsOf(currency);
  const example = digits === 0 ? '1500' : `12.${'5'.padEnd(digits, '0')}`;
  const compact = String(text).replace(/[\s_']/g, '');
  if (compact === '') return { error: 'Enter an amount.' };
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(compact);
  if (match === null || (match[1] === '' && !match[2]))
    return { error: `Enter an amount in ${currency} such as ${example}.` };
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    return {
      error:
        digits === 0
          ? `${currency} has no decimals: enter a whole amount such as ${example}.`
          : `${currency} has ${digits} decimals at most: enter an amount such as ${example}.`,
    };
  }
  const minor = BigInt(match[1] || '0') * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > MAX_MINOR_UNITS) {
    return { error: `That is more than the largest amount, ${formatMoney(MAX_MINOR_UNITS, currency)}.` };
  }
  return { minor: Number(minor) };
}
