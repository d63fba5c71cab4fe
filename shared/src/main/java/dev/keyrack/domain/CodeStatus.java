package dev.keyrack.domain;

/** Status of an access code as the Seam API reports it. */
public enum CodeStatus { unset, setting, set, removing, unknown }
