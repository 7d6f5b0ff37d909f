import type { TsaAdvice } from '../run/runTypes';

/** `would accept, p 0.82`: TSA's verdict as advice next to the manual decision. */
export function tsaAdviceLabel(tsa: TsaAdvice | null): string {
  if (!tsa) return 'TSA off, would accept';
  return `would ${tsa.accepted ? 'accept' : 'reject'}, p ${tsa.probability.toFixed(2)}`;
}

/** `Δ −0.04 · T 16 · p 0.998 · draw 0.41`: the numbers behind TSA's verdict. */
export function tsaNumbers(tsa: TsaAdvice): string {
  const delta = `${tsa.delta < 0 ? '−' : '+'}${Math.abs(tsa.delta).toFixed(2)}`;
  const draw = tsa.draw === null ? '' : ` · draw ${tsa.draw.toFixed(2)}`;
  return `Δ ${delta} · T ${formatTemperature(tsa.temperature)} · p ${tsa.probability.toFixed(3)}${draw}`;
}

function formatTemperature(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toPrecision(3);
}

/** The brief status-bar line in `tsa` mode. */
export function tsaOutcomeMessage(step: number, tsa: TsaAdvice | null, accepted: boolean): string {
  const verdict = accepted ? 'accepted' : 'rejected';
  if (!tsa) return `DLPO step ${step}: candidate ${verdict} (TSA off)`;
  return `DLPO step ${step}: TSA ${verdict} the candidate (${tsaNumbers(tsa)})`;
}
