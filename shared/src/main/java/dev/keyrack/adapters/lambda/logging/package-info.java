/**
 * The functions' log backend in Lambda: a small SLF4J provider that writes each event as one JSON
 * line on standard output with the fields of Powertools' {@code LambdaJsonLayout} (level, message,
 * error, the Lambda context fields Powertools puts in the MDC, timestamp, and every other MDC entry
 * such as {@code workspace_id}), and the Powertools {@code LoggingManager} that sets its level.
 *
 * <p>Why not log4j2: on a cold start log4j2 with the JSON template layout loaded about 1,600
 * classes (its plugin registry loads every plugin class, the XML configuration parser, JMX and
 * the layout's resolvers) and took 300 to 500 ms of the api function's first request before any
 * Keyrack code ran (keyrack-bench, part cold_start); this backend loads a few dozen. Only the
 * deployment packages use it: functions/lambda-root registers it in the zip, while the local
 * stack, the tests and the benchmark's in-process stack keep log4j2 with the same Powertools layout.
 */
package dev.keyrack.adapters.lambda.logging;
