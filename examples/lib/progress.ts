// A training progress bar (cli-progress, on stderr): step, current loss, steps per second and
// ETA. Messages printed while it runs go through `log` so the bar is redrawn below them.
import cliProgress from "cli-progress";

export interface Progress {
  /** after step `step` (1-based count of finished steps) with that step's loss */
  update(step: number, loss: number): void;
  log(line: string): void;
  stop(): void;
}

export function progressBar(total: number, label = "train"): Progress {
  const multi = new cliProgress.MultiBar(
    {
      format: `${label} |{bar}| {value}/{total} | loss {loss} | {speed} steps/s | ETA {eta_formatted}`,
      barsize: 28,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 200,
      // off a terminal (CI logs, pipes) print a status line every few seconds instead
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0, { loss: "-", speed: "-" });
  const t0 = performance.now();
  return {
    update(step, loss) {
      const secs = (performance.now() - t0) / 1000;
      bar.update(step, { loss: loss.toFixed(4), speed: secs > 0 ? (step / secs).toFixed(1) : "-" });
    },
    log(line) {
      multi.log(line.endsWith("\n") ? line : line + "\n");
    },
    stop() {
      multi.stop();
    },
  };
}
