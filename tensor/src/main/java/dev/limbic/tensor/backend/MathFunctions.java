package dev.limbic.tensor.backend;

/**
 * Scalar special functions the JDK lacks, in double precision, plus the element formulas shared by the
 * reference kernels. {@link #erf} follows the rational approximations of fdlibm's s_erf.c (Sun Microsystems,
 * 1993; the coefficients are that algorithm's published constants), accurate to about 1 ulp, so the F64 GELU
 * matches PyTorch to 1e-10.
 */
public final class MathFunctions {
    private MathFunctions() {
    }

    public static final double SQRT_2_OVER_PI = 0.7978845608028654;   // sqrt(2/pi)
    public static final double INV_SQRT_2 = 0.7071067811865476;      // 1/sqrt(2)
    public static final double INV_SQRT_2PI = 0.3989422804014327;    // 1/sqrt(2 pi)
    public static final double GELU_TANH_COEF = 0.044715;

    private static final double ERX = 8.45062911510467529297e-01;
    // erf on [0, 0.84375]
    private static final double EFX8 = 1.02703333676410069053e+00;
    private static final double PP0 = 1.28379167095512558561e-01;
    private static final double PP1 = -3.25042107247001499370e-01;
    private static final double PP2 = -2.84817495755985104766e-02;
    private static final double PP3 = -5.77027029648944159157e-03;
    private static final double PP4 = -2.37630166566501626084e-05;
    private static final double QQ1 = 3.97917223959155352819e-01;
    private static final double QQ2 = 6.50222499887672944485e-02;
    private static final double QQ3 = 5.08130628187576562776e-03;
    private static final double QQ4 = 1.32494738004321644526e-04;
    private static final double QQ5 = -3.96022827877536812320e-06;
    // erf on [0.84375, 1.25]
    private static final double PA0 = -2.36211856075265944077e-03;
    private static final double PA1 = 4.14856118683748331666e-01;
    private static final double PA2 = -3.72207876035701323847e-01;
    private static final double PA3 = 3.18346619901161753674e-01;
    private static final double PA4 = -1.10894694282396677476e-01;
    private static final double PA5 = 3.54783043256182359371e-02;
    private static final double PA6 = -2.16637559486879084300e-03;
    private static final double QA1 = 1.06420880400844228286e-01;
    private static final double QA2 = 5.40397917702171048937e-01;
    private static final double QA3 = 7.18286544141962662868e-02;
    private static final double QA4 = 1.26171219808761642112e-01;
    private static final double QA5 = 1.36370839120290507362e-02;
    private static final double QA6 = 1.19844998467991074170e-02;
    // erfc on [1.25, 1/0.35]
    private static final double RA0 = -9.86494403484714822705e-03;
    private static final double RA1 = -6.93858572707181764372e-01;
    private static final double RA2 = -1.05586262253232909814e+01;
    private static final double RA3 = -6.23753324503260060396e+01;
    private static final double RA4 = -1.62396669462573470355e+02;
    private static final double RA5 = -1.84605092906711035994e+02;
    private static final double RA6 = -8.12874355063065934246e+01;
    private static final double RA7 = -9.81432934416914548592e+00;
    private static final double SA1 = 1.96512716674392571292e+01;
    private static final double SA2 = 1.37657754143519042600e+02;
    private static final double SA3 = 4.34565877475229228821e+02;
    private static final double SA4 = 6.45387271733267880336e+02;
    private static final double SA5 = 4.29008140027567833386e+02;
    private static final double SA6 = 1.08635005541779435134e+02;
    private static final double SA7 = 6.57024977031928170135e+00;
    private static final double SA8 = -6.04244152148580987438e-02;
    // erfc on [1/0.35, 6]
    private static final double RB0 = -9.86494292470009928597e-03;
    private static final double RB1 = -7.99283237680523006574e-01;
    private static final double RB2 = -1.77579549177547519889e+01;
    private static final double RB3 = -1.60636384855821916062e+02;
    private static final double RB4 = -6.37566443368389627722e+02;
    private static final double RB5 = -1.02509513161107724954e+03;
    private static final double RB6 = -4.83519191608651397019e+02;
    private static final double SB1 = 3.03380607434824582924e+01;
    private static final double SB2 = 3.25792512996573918826e+02;
    private static final double SB3 = 1.53672958608443695994e+03;
    private static final double SB4 = 3.19985821950859553908e+03;
    private static final double SB5 = 2.55305040643316442583e+03;
    private static final double SB6 = 4.74528541206955367215e+02;
    private static final double SB7 = -2.24409524465858183362e+01;

    /** The error function, double precision. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 0.84375) {
            if (ax < 0x1p-28) {
                return 0.125 * (8.0 * x + EFX8 * x);
            }
            double z = x * x;
            double r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
            double s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
            return x + x * (r / s);
        }
        if (ax < 1.25) {
            double s = ax - 1.0;
            double p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
            double q = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
            return x >= 0 ? ERX + p / q : -ERX - p / q;
        }
        if (ax >= 6.0) {
            return x >= 0 ? 1.0 - 0x1p-1022 : -1.0 + 0x1p-1022;
        }
        double s = 1.0 / (ax * ax);
        double r;
        double q;
        if (ax < 1.0 / 0.35) {
            r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
            q = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
        } else {
            r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
            q = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
        }
        // z = ax with the low 32 bits cleared, so that exp(-z*z) is exact-ish and the split loses nothing
        double z = Double.longBitsToDouble(Double.doubleToRawLongBits(ax) & 0xffffffff00000000L);
        double erfc = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q) / ax;
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    public static double sigmoid(double x) {
        // split by sign so exp never overflows to give NaN
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    public static double geluErf(double x) {
        return 0.5 * x * (1.0 + erf(x * INV_SQRT_2));
    }

    public static double geluErfGrad(double x) {
        return 0.5 * (1.0 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    public static double geluTanh(double x) {
        double inner = SQRT_2_OVER_PI * (x + GELU_TANH_COEF * x * x * x);
        return 0.5 * x * (1.0 + Math.tanh(inner));
    }

    public static double geluTanhGrad(double x) {
        double inner = SQRT_2_OVER_PI * (x + GELU_TANH_COEF * x * x * x);
        double t = Math.tanh(inner);
        double dInner = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_COEF * x * x);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dInner;
    }

    /** Forward formula of a unary op in double precision: the reference every kernel is tested against. */
    public static double unary(UnaryOp op, double x, double alpha, double beta) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case POW -> Math.pow(x, alpha);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case GELU_ERF -> geluErf(x);
            case GELU_TANH -> geluTanh(x);
            case CLAMP -> Double.isNaN(x) ? x : Math.min(Math.max(x, alpha), beta);
            case AFFINE -> alpha * x + beta;
        };
    }

    /** Derivative {@code d op(x) / dx} given the input {@code x} and the forward output {@code y}. */
    public static double unaryGrad(UnaryOp op, double x, double y, double alpha, double beta) {
        return switch (op) {
            case NEG -> -1.0;
            case ABS -> Math.signum(x);
            case SIGN -> 0.0;
            case EXP -> y;
            case LOG -> 1.0 / x;
            case SQRT -> 0.5 / y;
            case RSQRT -> -0.5 * y * y * y;
            case POW -> alpha == 0.0 ? 0.0 : alpha * Math.pow(x, alpha - 1.0);
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
            case RELU -> x > 0 ? 1.0 : 0.0;
            case GELU_ERF -> geluErfGrad(x);
            case GELU_TANH -> geluTanhGrad(x);
            // PyTorch passes the gradient where min <= x <= max (bounds inclusive)
            case CLAMP -> (x >= alpha && x <= beta) ? 1.0 : 0.0;
            case AFFINE -> alpha;
        };
    }

    /** Binary formula in double precision. */
    public static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            // NaN-propagating like torch.maximum/minimum
            case MAX -> (Double.isNaN(a) || Double.isNaN(b)) ? Double.NaN : Math.max(a, b);
            case MIN -> (Double.isNaN(a) || Double.isNaN(b)) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1.0 : 0.0;
            case NE -> a != b ? 1.0 : 0.0;
            case LT -> a < b ? 1.0 : 0.0;
            case LE -> a <= b ? 1.0 : 0.0;
            case GT -> a > b ? 1.0 : 0.0;
            case GE -> a >= b ? 1.0 : 0.0;
        };
    }
}
