package dev.keyrack.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether two small sets of timings really differ: the two-sided Mann-Whitney test (a rank test,
 * so a single slow outlier does not decide), exact up to {@link #MAX_POOLED} runs in all (every
 * way the pooled runs could have been split into two groups of these sizes is enumerated), by the
 * normal approximation above that (without a tie correction, which errs towards "no difference").
 * Used to choose an HTTP client by measurement without reading noise as a difference; the
 * direction of a difference is the callers' (their medians).
 */
public final class RankTest {
  /** Below this p-value a difference is taken as real. */
  public static final double ALPHA = 0.05;
  /** Enumeration is exact up to this many runs in all (C(20,10) = 184,756 splits); above, the normal approximation. */
  static final int MAX_POOLED = 20;

  private RankTest() {}

  /**
   * The two-sided p-value of the Mann-Whitney U statistic of {@code a} against {@code b} (ties
   * count a half): up to {@link #MAX_POOLED} runs, the share of all splits of the pooled runs whose
   * U is at least as far from its mean as the observed one; above, the normal approximation.
   */
  public static double pValue(List<? extends Number> a, List<? extends Number> b) {
    int n1 = a.size(), n2 = b.size();
    if (n1 == 0 || n2 == 0) throw new IllegalArgumentException("need runs on both sides");
    List<Double> pooled = new ArrayList<>(n1 + n2);
    a.forEach(x -> pooled.add(x.doubleValue()));
    b.forEach(x -> pooled.add(x.doubleValue()));
    double mean = n1 * n2 / 2.0;
    double observed = Math.abs(u(pooled, firstN(n1)) - mean);
    if (n1 + n2 > MAX_POOLED) {
      // The normal approximation (with continuity correction), good at these sizes.
      double z = Math.max(0, observed - 0.5) / Math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0);
      return Math.min(1, 2 * (1 - phi(z)));
    }
    long[] counts = new long[2]; // [at least as extreme, all]
    enumerate(pooled, n1, 0, 0L, 0, observed, mean, counts);
    return (double) counts[0] / counts[1];
  }

  /** True when the two sets of runs differ at {@link #ALPHA}. */
  public static boolean differ(List<? extends Number> a, List<? extends Number> b) {
    return pValue(a, b) < ALPHA;
  }

  /** The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf, error below 1.5e-7). */
  static double phi(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
        * Math.exp(-x * x);
    return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  }

  private static long firstN(int n) {
    return (1L << n) - 1;
  }

  private static void enumerate(List<Double> pooled, int left, int from, long chosen, int depth, double observed, double mean,
                                long[] counts) {
    if (left == 0) {
      counts[1]++;
      if (Math.abs(u(pooled, chosen) - mean) >= observed - 1e-9) counts[0]++;
      return;
    }
    for (int i = from; i <= pooled.size() - left; i++) {
      enumerate(pooled, left - 1, i + 1, chosen | (1L << i), depth + 1, observed, mean, counts);
    }
  }

  /** U of the runs in {@code group} (a bit set over the pooled list) against the others. */
  private static double u(List<Double> pooled, long group) {
    double u = 0;
    for (int i = 0; i < pooled.size(); i++) {
      if ((group & (1L << i)) == 0) continue;
      for (int j = 0; j < pooled.size(); j++) {
        if ((group & (1L << j)) != 0) continue;
        double x = pooled.get(i), y = pooled.get(j);
        u += x < y ? 1 : x == y ? 0.5 : 0;
      }
    }
    return u;
  }
}
