package dev.limbic.tensor;

/** Element types. F32 is the working type; F64 exists for gradient checks; I32/I64 hold indices. */
public enum DType {
    F32(4, true),
    F64(8, true),
    I32(4, false),
    I64(8, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }
}
