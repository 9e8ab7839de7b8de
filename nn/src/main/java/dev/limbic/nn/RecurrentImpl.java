package dev.limbic.nn;

/**
 * How {@link LSTM} and {@link GRU} run their recurrence. All three compute the same function (the tests hold
 * them to each other and to PyTorch); they differ in speed and in what autograd records.
 */
public enum RecurrentImpl {
    /**
     * The default: per layer and direction one input-projection matmul for all steps, then the whole recurrence as
     * one fused op ({@code RecurrentOps.lstmSequence}/{@code gruSequence}) with a hand-written backward pass.
     */
    FUSED_SEQUENCE,
    /** A step loop in which each step is one {@code h·W_hhᵀ} matmul and the fused cell op with its own backward. */
    FUSED_CELL,
    /** The reference decomposition: a step loop of plain tensor ops, differentiated by autograd. */
    COMPOSITE
}
