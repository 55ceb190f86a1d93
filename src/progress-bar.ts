/** A progress bar on stderr (redrawn in place on a terminal, a line per 10 % otherwise). */
export interface Progress {
  advance(units: number): void;
  done(): void;
}

export function progressBar(label: string, total: number, quiet = false): Progress {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let current = 0;
  let lastDecile = -1;
  let lastDraw = 0;
  const draw = (force: boolean) => {
    if (quiet || total === 0) return;
    const ratio = Math.min(1, current / total);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (tty) {
      if (!force && Date.now() - lastDraw < 100) return;
      lastDraw = Date.now();
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      process.stderr.write(
        `\r${label} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)}% ${current}/${total} ${seconds}s`,
      );
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label} ${decile * 10}% (${current}/${total}) ${seconds}s\n`);
    }
  };
  return {
    advance(units) {
      current += units;
      draw(false);
    },
    done() {
      current = total;
      draw(true);
      if (tty && !quiet) process.stderr.write('\n');
    },
  };
}
