package io.replikv.core;

/** A message addressed to a node. */
public record Envelope(NodeId to, Message message) {}
