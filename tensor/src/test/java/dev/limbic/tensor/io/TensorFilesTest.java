package dev.limbic.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {

    @Test
    void roundTripKeepsDtypesShapesAndValuesIncludingViews(@TempDir Path dir) throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("encoder.weight", Tensor.randn(1, DType.F32, 3, 5).t());   // a transposed view
        in.put("double", Tensor.randn(2, DType.F64, 4));
        in.put("ids", Tensor.ofLongs(new long[] {3, 1, 4, 1, 5, 9}, 2, 3));
        in.put("ints", Tensor.ofInts(new int[] {7, -2}, 2));
        in.put("scalar", Tensor.scalar(2.5));
        Path file = dir.resolve("t.safetensors");
        TensorFiles.save(in, Map.of("format", "pt"), file);

        Map<String, Tensor> out = TensorFiles.load(file);
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(in.keySet());
        for (String name : in.keySet()) {
            Tensor a = in.get(name);
            Tensor b = out.get(name);
            assertThat(b.dtype()).as(name).isEqualTo(a.dtype());
            assertThat(b.shape()).as(name).containsExactly(a.shape());
            assertThat(b.toDoubleArray()).as(name).containsExactly(a.toDoubleArray());
        }
        assertThat(SafeTensors.read(file).metadata()).containsEntry("format", "pt");
    }
}
