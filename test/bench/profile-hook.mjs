/**
 * Loaded into the vault or floor process by `npm run bench -- profile` (`node --import`): the first SIGUSR2
 * starts V8's CPU profiler, the second stops it and writes the profile to $BENCH_PROFILE_FILE (Chrome DevTools
 * format), so only the timed run is profiled — not start-up, module loading or the benchmark's setup.
 */
import inspector from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env['BENCH_PROFILE_FILE'];
if (file) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 250 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      // Written whole, then renamed: the benchmark waits for the name to appear.
      writeFileSync(`${file}.part`, JSON.stringify(result.profile));
      renameSync(`${file}.part`, file);
    });
  });
}
