package dev.keyrack.bench.launch;

/** The baseline of the cold-start part: a JVM that prints hello world and reports when it did. */
public final class HelloWorld {
  private HelloWorld() {}

  public static void main(String[] args) {
    LaunchReport report = new LaunchReport();
    System.out.println("hello world");
    report.put("first_event_ms", report.sinceStartMillis()).put("status", "hello world").print();
  }
}
