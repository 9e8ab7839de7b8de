package dev.limbic.tensor.backend;

/**
 * Element-wise unary kernels. {@code alpha}/{@code beta} are the op's scalar parameters where it has them:
 * POW exponent (alpha); CLAMP bounds (alpha = min, beta = max, either may be ±infinity);
 * AFFINE {@code alpha*x + beta}.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, EXP, LOG, SQRT, RSQRT, POW, TANH, SIGMOID, RELU, GELU_ERF, GELU_TANH, CLAMP, AFFINE
}
