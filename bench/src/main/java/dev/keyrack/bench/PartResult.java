package dev.keyrack.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one part: a table for people (header + rows), the same figures as JSON-ready
 * values for machines, and notes (targets met or missed, with the measured figure).
 */
public record PartResult(List<String> header, List<List<String>> rows, Map<String, Object> json, List<String> notes) {
  public PartResult {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    json = new LinkedHashMap<>(json);
    notes = List.copyOf(notes);
  }
}
