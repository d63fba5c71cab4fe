package dev.keyrack.domain;

import java.util.UUID;

public record Workspace(UUID workspaceId, String name, boolean sandbox) {}
