package dev.limbic.models.liminal;

import dev.limbic.nn.Init;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.nio.file.Path;

/**
 * A separate process for {@link SoulMemoryTest}: opens the file memory given as argument, runs one v6 forward on a
 * fixed input and prints the PAD output (one float per line) and the memory size it started from.
 */
public final class SoulMemoryChild {
  private SoulMemoryChild() {
  }

  public static void main(String[] args) throws Exception {
    try (FileSoulMemory memory = FileSoulMemory.open(Path.of(args[0]))) {
      System.out.println("start " + memory.size());
      TinyRecursiveModel m = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), Init.rng(SoulMemoryTest.SEED),
          memory);
      Tensor pad = m.forward(SoulMemoryTest.input()).pad();
      for (float f : pad.toFloatArray()) {
        System.out.println(Float.toString(f));
      }
    }
  }

  static Tensor input(long seed) {
    return Tensor.randn(seed, DType.F32, 3, 384);
  }
}
