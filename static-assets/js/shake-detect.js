/**
 * Shake detection from DeviceMotion: a shake is several strong jolts (acceleration well away
 * from gravity) within a short window. `ShakeDetector` is pure; `listenForShakes` wires it to
 * the device, asking for permission where the platform requires it (iOS 13+).
 */

const GRAVITY = 9.81;
const JOLT_MS2 = 12;
const JOLTS_PER_SHAKE = 3;
const WINDOW_MS = 800;
const COOLDOWN_MS = 1_000;

export class ShakeDetector {
  /** @type {number[]} */
  #jolts = [];
  #lastShakeAt = -Infinity;

  /**
   * Feeds one reading; true when it completes a shake.
   * @param {number} x @param {number} y @param {number} z acceleration including gravity, m/s²
   * @param {number} t milliseconds
   */
  push(x, y, z, t) {
    const magnitude = Math.hypot(x, y, z);
    if (Math.abs(magnitude - GRAVITY) < JOLT_MS2) return false;
    this.#jolts = this.#jolts.filter((at) => t - at <= WINDOW_MS);
    this.#jolts.push(t);
    if (this.#jolts.length < JOLTS_PER_SHAKE || t - this.#lastShakeAt < COOLDOWN_MS) return false;
    this.#jolts = [];
    this.#lastShakeAt = t;
    return true;
  }
}

/** True when motion needs an explicit permission prompt (iOS Safari). */
export function motionNeedsPermission() {
  const ctor = /** @type {{ requestPermission?: () => Promise<string> } | undefined} */ (
    /** @type {unknown} */ (globalThis.DeviceMotionEvent)
  );
  return typeof ctor?.requestPermission === "function";
}

/** Asks for motion permission (must run inside a user gesture); true when granted. */
export async function requestMotionPermission() {
  const ctor = /** @type {{ requestPermission: () => Promise<string> }} */ (/** @type {unknown} */ (globalThis.DeviceMotionEvent));
  return (await ctor.requestPermission()) === "granted";
}

/**
 * Calls `onShake` for each detected shake; returns a function that stops listening.
 * @param {() => void} onShake
 */
export function listenForShakes(onShake) {
  const detector = new ShakeDetector();
  /** @param {DeviceMotionEvent} event */
  const handler = (event) => {
    const a = event.accelerationIncludingGravity;
    if (a && detector.push(a.x ?? 0, a.y ?? 0, a.z ?? 0, event.timeStamp)) onShake();
  };
  window.addEventListener("devicemotion", handler);
  return () => window.removeEventListener("devicemotion", handler);
}
