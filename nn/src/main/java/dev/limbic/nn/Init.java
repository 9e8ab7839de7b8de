package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * PyTorch-default initialisers drawn from an explicit generator, so the same seed gives the same model.
 *
 * <p>PyTorch's {@code Linear}/{@code Conv} default is {@code kaiming_uniform_(a=√5)}: gain √(2/(1+a²)) = √(1/3),
 * bound = gain·√(3/fan_in) = 1/√fan_in, the same bound its biases use. Recurrent layers use U(±1/√H) for all.
 */
public final class Init {
    private Init() {
    }

    /** The project's one RNG type (MODELS.md §6): a SplittableRandom from a seed. */
    public static RandomGenerator rng(long seed) {
        return new SplittableRandom(seed);
    }

    /** U(−bound, bound) of the given shape, drawn in row-major order. */
    public static Tensor uniform(RandomGenerator rng, double bound, DType dtype, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (dtype == DType.F64) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = (2 * rng.nextDouble() - 1) * bound;
            }
            return Tensor.of(v, shape);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return Tensor.of(v, shape);
    }

    /** N(mean, std²) of the given shape. */
    public static Tensor normal(RandomGenerator rng, double mean, double std, DType dtype, int... shape) {
        return Tensor.randn(rng, dtype, shape).mul(std).add(mean);
    }

    /** kaiming_uniform_(a=√5) for a weight whose fan-in is {@code fanIn}: U(±1/√fanIn). */
    public static Tensor kaimingUniformA5(RandomGenerator rng, int fanIn, DType dtype, int... shape) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("fan_in must be positive, got " + fanIn);
        }
        return uniform(rng, 1.0 / Math.sqrt(fanIn), dtype, shape);
    }

    /** Xavier/Glorot uniform: U(±gain·√(6/(fanIn+fanOut))). */
    public static Tensor xavierUniform(RandomGenerator rng, int fanIn, int fanOut, double gain, DType dtype,
            int... shape) {
        return uniform(rng, gain * Math.sqrt(6.0 / (fanIn + fanOut)), dtype, shape);
    }
}
