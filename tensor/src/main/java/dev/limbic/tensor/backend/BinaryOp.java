package dev.limbic.tensor.backend;

/** Element-wise binary kernels with broadcasting. Comparisons write 1 or 0 in the operands' dtype. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
