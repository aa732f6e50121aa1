package io.replikv.core;

/**
 * Anything one node sends another. Every protocol declares its own sealed sub-interface of
 * records in its own package (so protocols never import each other) and registers the records
 * with the codec under fixed tags. Messages are immutable values.
 */
public interface Message {}
