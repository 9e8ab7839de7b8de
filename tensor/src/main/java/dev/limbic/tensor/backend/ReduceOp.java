package dev.limbic.tensor.backend;

/** Reductions along one axis. */
public enum ReduceOp {
    SUM, MAX, MIN
}
