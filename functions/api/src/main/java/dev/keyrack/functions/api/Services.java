package dev.keyrack.functions.api;

import dev.keyrack.app.AccessCodeService;
import dev.keyrack.ports.Store;
import dev.keyrack.ports.Telemetry;
import java.time.Clock;

/** What routes may use: the use cases and read access to the store. */
public record Services(AccessCodeService accessCodes, Store store, Clock clock, Telemetry telemetry,
                       dev.keyrack.adapters.sandbox.SandboxLockProvider sandbox) {}
