package dev.limbic.nn;

import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; children are named "0", "1", … as in PyTorch's nn.Sequential. */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential() {
    }

    /** Appends a layer (it must be a {@link Module} that implements {@link Layer}). */
    public <M extends Module & Layer> Sequential add(M layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Layer l : layers) {
            h = l.forward(h);
        }
        return h;
    }

    public int size() {
        return layers.size();
    }

    public Layer get(int i) {
        return layers.get(i);
    }
}
