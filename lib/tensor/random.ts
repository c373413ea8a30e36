import seedrandom from "seedrandom";

/**
 * A seeded pseudo-random generator (seedrandom's alea: fast and reproducible across platforms).
 * Pass one explicitly for independent streams, or use the global one through manualSeed().
 */
export class Generator {
  private prng: seedrandom.PRNG;
  private spare: number | null = null;
  readonly seed: string;

  constructor(seed: string | number = 0) {
    this.seed = String(seed);
    this.prng = seedrandom.alea(this.seed);
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.prng();
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng();
    const v = this.prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    if (!(high > low)) throw new RangeError(`randint: need low < high, got low=${low}, high=${high}`);
    return low + Math.floor(this.prng() * (high - low));
  }
}

let globalGenerator = new Generator(0);

/** Reseed the global generator, like torch.manual_seed. Everything random that gets no generator uses it. */
export function manualSeed(seed: string | number): Generator {
  globalGenerator = new Generator(seed);
  return globalGenerator;
}

export function defaultGenerator(): Generator {
  return globalGenerator;
}
