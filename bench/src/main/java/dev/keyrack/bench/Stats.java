package dev.keyrack.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median, min and max of repeated measurements. */
public record Stats(int n, double median, double min, double max) {
  public static Stats of(List<? extends Number> values) {
    if (values.isEmpty()) throw new IllegalArgumentException("no measurements");
    List<Double> sorted = new ArrayList<>();
    for (Number v : values) sorted.add(v.doubleValue());
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(n, median, sorted.get(0), sorted.get(n - 1));
  }

  /** "412 (380-455)" with the given number of decimals. */
  public String format(int decimals) {
    String f = "%." + decimals + "f";
    return String.format(f + " (" + f + "-" + f + ")", median, min, max);
  }

  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", median);
    m.put("min", min);
    m.put("max", max);
    m.put("runs", n);
    return m;
  }
}
