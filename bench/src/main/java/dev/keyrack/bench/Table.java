package dev.keyrack.bench;

import java.util.List;

/** A plain-text table with aligned columns. */
public final class Table {
  private Table() {}

  public static String render(List<String> header, List<List<String>> rows) {
    int n = header.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) w[i] = header.get(i).length();
    for (List<String> r : rows) for (int i = 0; i < n && i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    StringBuilder sep = new StringBuilder();
    for (int i = 0; i < n; i++) sep.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
    sb.append(sep).append('\n');
    for (List<String> r : rows) line(sb, r, w);
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    for (int i = 0; i < w.length; i++) {
      String c = i < cells.size() ? cells.get(i) : "";
      sb.append(i == 0 ? "" : " | ");
      sb.append(c).append(" ".repeat(w[i] - c.length()));
    }
    sb.append('\n');
  }
}
