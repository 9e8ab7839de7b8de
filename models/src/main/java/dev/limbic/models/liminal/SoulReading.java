package dev.limbic.models.liminal;

/**
 * What the SoulKernel read in one outer iteration (MODELS.md §1.5).
 *
 * @param hope  clamp(mean(r), −1, 1) before the update (logged only)
 * @param faith √(mean of the confidences so far); it scaled z by 1 + 0.05·faith
 * @param love  β = tanh(mean(x⊙z) + mean(y⊙r)), the pull of z toward the remembered future
 */
public record SoulReading(double hope, double faith, double love) {}
