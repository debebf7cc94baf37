// A training progress bar (cli-progress, on stderr): step, current loss, steps per second and
// ETA. Training loops are synchronous, so cli-progress's timer never gets to run: the bar is
// redrawn from update() (its synchronousUpdate mode, throttled to 10 fps). Off a terminal (CI
// logs, pipes) a plain status line is printed every few seconds instead. Lines printed while the
// bar is up go through `log`, which clears the bar's line first and redraws it below.
import cliProgress from "cli-progress";

export interface Progress {
  /** after `step` finished steps, the last one with this loss */
  update(step: number, loss: number): void;
  log(line: string): void;
  stop(): void;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "-";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

export function progressBar(total: number, label = "train", opts: { notTTYIntervalMs?: number } = {}): Progress {
  const t0 = performance.now();
  const speed = (step: number) => step / Math.max((performance.now() - t0) / 1000, 1e-9);

  if (!process.stderr.isTTY) {
    const every = opts.notTTYIntervalMs ?? 5000;
    let last = t0;
    let state = { step: 0, loss: NaN };
    const line = () => {
      const v = speed(state.step);
      return `${label} ${state.step}/${total} | loss ${state.loss.toFixed(4)} | ${v.toFixed(1)} steps/s | ETA ${fmtTime((total - state.step) / v)}`;
    };
    return {
      update(step, loss) {
        state = { step, loss };
        const now = performance.now();
        if (now - last >= every) {
          last = now;
          process.stderr.write(line() + "\n");
        }
      },
      log(l) {
        console.log(l);
      },
      stop() {
        if (state.step > 0) process.stderr.write(line() + "\n");
      },
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} | loss {loss} | {speed} steps/s | ETA {eta_formatted}`,
      barsize: 28,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 200,
      synchronousUpdate: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { loss: "-", speed: "-" });
  return {
    update(step, loss) {
      bar.update(step, { loss: loss.toFixed(4), speed: speed(step).toFixed(1) });
    },
    log(l) {
      process.stderr.write("\r\x1b[2K");
      console.log(l);
      bar.render();
    },
    stop() {
      bar.stop();
    },
  };
}
