// The e2e suite's bookkeeping: named checks (passed / failed / pending / blocked),
// timed phases, and the summary CI logs are read by.
import { seconds } from './util.mjs';

export class Checks {
  results = [];
  phases = [];
  #t0 = Date.now();

  /** Times a phase of the run (setup, build, a suite); rethrows its error. */
  async phase(name, fn) {
    const t = Date.now();
    console.log(`[e2e] ${name} ...`);
    try {
      const r = await fn();
      this.phases.push({ name, ms: Date.now() - t, ok: true });
      console.log(`[e2e] ${name}: done (${seconds(Date.now() - t)})`);
      return r;
    } catch (e) {
      this.phases.push({ name, ms: Date.now() - t, ok: false });
      console.log(`[e2e] ${name}: FAILED (${seconds(Date.now() - t)})`);
      throw e;
    }
  }

  status(name) {
    return this.results.find((r) => r.name === name)?.status;
  }

  /**
   * Runs one named check. `pending` (a reason) records it as not built yet instead of
   * running it; `needs` names earlier checks that must have passed, else it is blocked.
   */
  async check(name, fn, { pending, needs = [] } = {}) {
    if (pending) {
      this.results.push({ name, status: 'pending', detail: pending, ms: 0 });
      console.log(`  - ${name}  (pending: ${pending})`);
      return undefined;
    }
    const unmet = needs.filter((n) => this.status(n) !== 'passed');
    if (unmet.length) {
      this.results.push({ name, status: 'blocked', detail: `needs: ${unmet.join(', ')}`, ms: 0 });
      console.log(`  ! ${name}  (blocked: needs ${unmet.join(', ')})`);
      return undefined;
    }
    const t = Date.now();
    try {
      const value = await fn();
      const ms = Date.now() - t;
      const note = typeof value === 'string' ? value : undefined;
      this.results.push({ name, status: 'passed', ms, detail: note });
      console.log(`  ✔ ${name} (${seconds(ms)})${note ? `  ${note}` : ''}`);
      return value ?? true;
    } catch (e) {
      const ms = Date.now() - t;
      const detail = String(e?.message ?? e).split('\n').slice(0, 12).join('\n');
      this.results.push({ name, status: 'failed', ms, detail });
      console.log(`  ✗ ${name} (${seconds(ms)})\n      ${detail.replace(/\n/g, '\n      ')}`);
      return undefined;
    }
  }

  /** Folds the in-host mocha report into the checks, one check per test. */
  addMochaReport(prefix, report) {
    for (const t of report.passes) this.results.push({ name: `${prefix} ${t.title}`, status: 'passed', ms: t.duration ?? 0 });
    for (const t of report.failures) this.results.push({ name: `${prefix} ${t.title}`, status: 'failed', ms: 0, detail: t.error.split('\n').slice(0, 8).join('\n') });
    for (const t of report.pending) this.results.push({ name: `${prefix} ${t.title}`, status: 'pending', ms: 0, detail: 'it.skip / pending in mocha' });
  }

  counts() {
    const c = { passed: 0, failed: 0, pending: 0, blocked: 0 };
    for (const r of this.results) c[r.status] += 1;
    return c;
  }

  ok() {
    const c = this.counts();
    return c.failed === 0 && c.blocked === 0 && this.phases.every((p) => p.ok) && c.passed > 0;
  }

  printSummary() {
    const c = this.counts();
    console.log('\n[e2e] phases:');
    for (const p of this.phases) console.log(`  ${seconds(p.ms).padStart(7)}  ${p.name}${p.ok ? '' : '  (FAILED)'}`);
    console.log(`  ${seconds(Date.now() - this.#t0).padStart(7)}  TOTAL`);
    const notPassed = this.results.filter((r) => r.status !== 'passed');
    if (notPassed.length) {
      console.log('\n[e2e] not passed:');
      for (const r of notPassed) console.log(`  ${r.status.padEnd(7)}  ${r.name}${r.detail ? `\n           ${r.detail.replace(/\n/g, '\n           ')}` : ''}`);
    }
    console.log('');
    console.log(`e2e: ${c.passed} passed, ${c.failed} failed, ${c.pending} pending${c.blocked ? `, ${c.blocked} blocked by earlier failures` : ''}`);
    // The mocha-like lines, for readers of CI logs who grep for them.
    console.log(`  ${c.passed} passing (${seconds(Date.now() - this.#t0)})`);
    if (c.failed + c.blocked) console.log(`  ${c.failed + c.blocked} failing`);
    if (c.pending) console.log(`  ${c.pending} pending`);
  }
}
