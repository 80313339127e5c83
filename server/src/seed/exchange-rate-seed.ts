import type { ExchangeRateSyncInput } from '../modules/sync/kinds/exchange-rate.sync.js';

/**
 * DEMO VALUES, not market data: rough rates into CNY (the default base currency) from the
 * start of 2026, so that the demo's USD orders convert. USD matches the 7.12 the demo prices
 * USD orders with. A real installation maintains its own (Admin → Exchange rates, or ERP sync).
 */
export const DEMO_RATES_TO_CNY: Record<string, string> = {
  USD: '7.12',
  EUR: '7.75',
  GBP: '9.05',
  HKD: '0.912',
  JPY: '0.0475',
};

/** The demo rates as ERP sync records, keyed by pair and day. */
export function demoExchangeRates(): ExchangeRateSyncInput[] {
  return Object.entries(DEMO_RATES_TO_CNY).map(([fromCurrency, rate]) => ({
    externalId: `${fromCurrency}/CNY/2026-01-01`,
    fromCurrency,
    toCurrency: 'CNY',
    rate,
    validFrom: '2026-01-01',
  }));
}
