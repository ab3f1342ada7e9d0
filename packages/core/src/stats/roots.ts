/**
 * Brent's root finder (Brent RP. Algorithms for Minimization without Derivatives. Prentice-Hall 1973, ch. 4), in the
 * form of the netlib C `zeroin` that R's `uniroot` calls (R_zeroin2: the function values at both ends are passed in).
 * Written out here rather than taken from a library because the exact R iteration, with R's default tolerance
 * (`.Machine$double.eps^0.25`), is what makes the conditional odds ratio and its confidence limits agree with
 * `fisher.test` to the digits R prints; a different root finder stops at a different point inside that tolerance.
 */

/** R's `uniroot` default tolerance: `.Machine$double.eps^0.25`. */
export const R_UNIROOT_TOL = Number.EPSILON ** 0.25;

/**
 * Root of `f` in [lower, upper], where f(lower) and f(upper) have opposite signs (or one is 0), as R's
 * `uniroot(f, c(lower, upper))` returns it.
 */
export function uniroot(f: (x: number) => number, lower: number, upper: number, tol = R_UNIROOT_TOL, maxIter = 1000): number {
  let a = lower;
  let b = upper;
  let fa = f(a);
  let fb = f(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) throw new RangeError('uniroot: f is NaN at an end of the interval');
  if (fa * fb > 0) throw new RangeError('uniroot: f has the same sign at both ends of the interval');
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a;
  let fc = fa;
  for (let iter = 0; iter <= maxIter; iter++) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Make b the best approximation.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * Number.EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      // Interpolation: linear with two distinct points, inverse quadratic with three.
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  throw new RangeError(`uniroot: no convergence in ${maxIter} iterations`);
}
