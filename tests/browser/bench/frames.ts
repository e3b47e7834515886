// Frame times in the page, from requestAnimationFrame: what the UI benchmarks judge smoothness by.
import type { Page } from "@playwright/test";

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Starts recording the time between frames. */
export async function startFrames(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { frames: number[]; recording: boolean };
    w.frames = [];
    w.recording = true;
    let last = 0;
    const tick = (t: number) => {
      if (last) w.frames.push(t - last);
      last = t;
      if (w.recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops recording and gives the frame times, in milliseconds. */
export async function stopFrames(page: Page): Promise<number[]> {
  // One more frame, so the last change's work is in the last delta.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  return page.evaluate(() => {
    const w = window as unknown as { frames: number[]; recording: boolean };
    w.recording = false;
    return w.frames;
  });
}
