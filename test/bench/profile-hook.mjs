/**
 * Loaded into the vault or floor process by `npm run bench -- profile` (`node --import`). SIGUSR2 toggles a
 * measurement of the window between two signals, written to $BENCH_PROFILE_FILE when it ends (written whole, then
 * renamed: the benchmark waits for the name). What is measured is read from "$BENCH_PROFILE_FILE.mode" when the
 * window opens:
 *   profile — V8's CPU profiler (Chrome DevTools format), for the CPU by concern of a closed run;
 *   stats   — no profiler: every garbage-collection pause and the event loop's delay (perf_hooks), for where an
 *             open-loop run's tail latency can and cannot come from inside this process.
 */
import inspector from 'node:inspector';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env['BENCH_PROFILE_FILE'];
if (file) {
  const session = new inspector.Session();
  session.connect();
  let mode = null;
  let pauses = [];
  let delay = null;
  const gc = new PerformanceObserver((list) => {
    if (mode === 'stats') for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const finish = (text) => {
    writeFileSync(`${file}.part`, text);
    renameSync(`${file}.part`, file);
  };
  process.on('SIGUSR2', () => {
    if (mode === null) {
      mode = existsSync(`${file}.mode`) ? readFileSync(`${file}.mode`, 'utf8').trim() : 'profile';
      if (mode === 'stats') {
        pauses = [];
        delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
      } else {
        session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 250 }, () => session.post('Profiler.start')));
      }
      return;
    }
    if (mode === 'stats') {
      delay.disable();
      const sorted = [...pauses].sort((a, b) => a - b);
      const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
      finish(
        JSON.stringify({
          gcPauses: sorted.length,
          gcPauseP99Ms: at(99),
          gcPauseMaxMs: sorted.at(-1) ?? 0,
          gcTotalMs: sorted.reduce((a, b) => a + b, 0),
          // The histogram's values include its 1 ms sampling resolution.
          loopDelayP99Ms: delay.percentile(99) / 1e6,
          loopDelayMaxMs: delay.max / 1e6,
        }),
      );
      mode = null;
      return;
    }
    mode = null;
    session.post('Profiler.stop', (err, result) => {
      if (!err) finish(JSON.stringify(result.profile));
    });
  });
}
