package dev.keyrack.domain;

public enum CodeType { ongoing, time_bound }
