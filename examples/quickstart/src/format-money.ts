import type { Money } from '@outcry/core';

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/**
 * Money for people: `1250` USD cents become `$12.50`. Outcry keeps money as integer minor units;
 * the number of minor digits comes from the currency (2 for USD, 0 for JPY), so only display divides.
 */
export function formatMoney(amount: Money, currency: string): string {
  const formatter = formatterFor(currency);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amount / 10 ** digits);
}
