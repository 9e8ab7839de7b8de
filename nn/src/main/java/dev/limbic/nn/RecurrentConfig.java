package dev.limbic.nn;

/** PyTorch's {@code nn.LSTM} / {@code nn.GRU} constructor arguments, shared by {@link LSTM} and {@link GRU}. */
public record RecurrentConfig(int inputSize, int hiddenSize, int numLayers, boolean bidirectional,
                              boolean batchFirst, boolean bias) {
    public RecurrentConfig {
        new Recurrent.Shape(inputSize, hiddenSize, numLayers, bidirectional, batchFirst, bias);   // validates
    }

    /** One layer, one direction, batch first, with biases. */
    public static RecurrentConfig of(int inputSize, int hiddenSize) {
        return new RecurrentConfig(inputSize, hiddenSize, 1, false, true, true);
    }

    public RecurrentConfig withNumLayers(int n) {
        return new RecurrentConfig(inputSize, hiddenSize, n, bidirectional, batchFirst, bias);
    }

    public RecurrentConfig withBidirectional(boolean on) {
        return new RecurrentConfig(inputSize, hiddenSize, numLayers, on, batchFirst, bias);
    }

    public RecurrentConfig withBatchFirst(boolean on) {
        return new RecurrentConfig(inputSize, hiddenSize, numLayers, bidirectional, on, bias);
    }

    public RecurrentConfig withBias(boolean on) {
        return new RecurrentConfig(inputSize, hiddenSize, numLayers, bidirectional, batchFirst, on);
    }
}
