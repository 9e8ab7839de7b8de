package dev.limbic.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** Writes {@code 8-byte LE length + header + data} verbatim. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        return raw(name, header.getBytes(StandardCharsets.UTF_8), data);
    }

    private Path raw(String name, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** A header with one tensor 'w'. */
    private static String one(String descriptor) {
        return "{\"w\": " + descriptor + "}";
    }

    /** Asserts that reading {@code p} fails with a format error naming the file and every fragment. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertBad(Path p, String... fragments) {
        AbstractThrowableAssert<?, ? extends Throwable> a = assertThatThrownBy(() -> SafeTensors.read(p))
                .isInstanceOf(SafeTensorsFormatException.class)
                .hasMessageContaining(p.getFileName().toString());
        for (String f : fragments) {
            a.hasMessageContaining(f);
        }
        return a;
    }

    // ---------------------------------------------------------------------------------------------
    // round trips

    @Test
    void roundTripAllWritableDtypesWithScalarsEmptiesAndMetadata() throws IOException {
        float[] f = {1.5f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 3e38f};
        double[] d = {Math.PI, -1e-300, Double.NEGATIVE_INFINITY, 42};
        long[] l = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        int[] i = {Integer.MIN_VALUE, 7, Integer.MAX_VALUE};
        Path p = dir.resolve("rt.safetensors");
        SafeTensors.writer()
                .metadata("op", "matmul")
                .metadata("weird \"key\"\n", "välue \\ with ünïcode ✓ and \u0001 control")
                .putF32("f32", new long[] {2, 3}, f)
                .putF64("f64", new long[] {4}, d)
                .putI64("i64", new long[] {2, 2}, l)
                .putI32("i32", new long[] {3}, i)
                .putF32("scalar", new long[] {}, new float[] {2.25f})
                .putF64("empty", new long[] {0, 5}, new double[0])
                .putI32("naïve.名前", new long[] {1, 1, 1}, new int[] {9})
                .write(p);

        SafeTensors st = SafeTensors.read(p);
        assertThat(st.file()).isEqualTo(p);
        assertThat(st.metadata()).containsEntry("op", "matmul")
                .containsEntry("weird \"key\"\n", "välue \\ with ünïcode ✓ and \u0001 control").hasSize(2);
        assertThat(st.names()).hasSize(7)
                .containsExactlyInAnyOrder("f32", "f64", "i64", "i32", "scalar", "empty", "naïve.名前");
        assertThat(st.contains("f32")).isTrue();
        assertThat(st.contains("nope")).isFalse();

        assertThat(floatBits(st.floats("f32"))).isEqualTo(floatBits(f));
        assertThat(st.entry("f32").shape()).containsExactly(2, 3);
        assertThat(st.entry("f32").dtype()).isEqualTo(SafeTensors.Dtype.F32);
        assertThat(st.doubles("f64")).containsExactly(d);
        assertThat(st.longs("i64")).containsExactly(l);
        assertThat(st.ints("i32")).containsExactly(i);
        assertThat(st.floats("scalar")).containsExactly(2.25f);
        assertThat(st.entry("scalar").shape()).isEmpty();
        assertThat(st.entry("scalar").numel()).isEqualTo(1);
        assertThat(st.doubles("empty")).isEmpty();
        assertThat(st.entry("empty").shape()).containsExactly(0, 5);
        assertThat(st.entry("empty").numel()).isZero();
        assertThat(st.ints("naïve.名前")).containsExactly(9);
        assertThat(st.segment("f32").byteSize()).isEqualTo(24);
        assertThat(st.entry("f32").byteLength()).isEqualTo(24);
    }

    @Test
    void namesAreInDataOffsetOrderAndShapesAreDefensivelyCopied() throws IOException {
        String h = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        SafeTensors st = SafeTensors.read(raw("order.safetensors", h, f32(1, 2, 3)));
        assertThat(st.names()).containsExactly("b", "a");
        assertThat(st.metadata()).isEmpty();
        long[] shape = st.entry("a").shape();
        shape[0] = 99;
        assertThat(st.entry("a").shape()).containsExactly(2);
        assertThatThrownBy(() -> st.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wideningAccessorsAndRefusedConversions() throws IOException {
        Path p = dir.resolve("widen.safetensors");
        SafeTensors.writer()
                .putF32("f", new long[] {2}, new float[] {0.1f, -2})
                .putF64("d", new long[] {1}, new double[] {0.1})
                .putI32("i", new long[] {2}, new int[] {-5, 6})
                .putI64("small", new long[] {2}, new long[] {-3, 4})
                .putI64("big", new long[] {3}, new long[] {1, 2, 1L << 40})
                .write(p);
        SafeTensors st = SafeTensors.read(p);
        assertThat(st.doubles("f")).containsExactly((double) 0.1f, -2.0);
        assertThat(st.longs("i")).containsExactly(-5, 6);
        assertThat(st.ints("small")).containsExactly(-3, 4);
        assertThatThrownBy(() -> st.floats("d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'d'").hasMessageContaining("F64").hasMessageContaining("doubles()");
        assertThatThrownBy(() -> st.longs("f")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f'").hasMessageContaining("F32");
        assertThatThrownBy(() -> st.ints("d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'d'");
        assertThatThrownBy(() -> st.floats("i")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'i'").hasMessageContaining("I32");
        assertThatThrownBy(() -> st.doubles("small")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'small'");
        assertThatThrownBy(() -> st.ints("big")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'big'").hasMessageContaining("element 2").hasMessageContaining("longs()");
    }

    @Test
    void readsHalfPrecisionAndSmallIntegerDtypes() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-65504f)); // F16 [0,4)
        b.putShort((short) (Float.floatToRawIntBits(3.25f) >>> 16)).putShort((short) 0xff80); // BF16 [4,8) (-inf)
        b.putShort((short) -300).putShort((short) 300); // I16 [8,12)
        b.put((byte) -7).put((byte) 200); // I8 [12,13) U8 [13,14)
        b.put((byte) 0).put((byte) 1).put((byte) 2); // BOOL [14,17)
        byte[] data = Arrays.copyOf(b.array(), 17);
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"s\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[],\"data_offsets\":[12,13]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[13,14]},"
                + "\"flag\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[14,17]}}";
        SafeTensors st = SafeTensors.read(raw("small.safetensors", h, data));
        assertThat(st.floats("h")).containsExactly(1.5f, -65504f);
        assertThat(st.doubles("h")).containsExactly(1.5, -65504.0);
        assertThat(st.floats("bf")).containsExactly(3.25f, Float.NEGATIVE_INFINITY);
        assertThat(st.longs("s")).containsExactly(-300, 300);
        assertThat(st.ints("s")).containsExactly(-300, 300);
        assertThat(st.longs("i8")).containsExactly(-7);
        assertThat(st.ints("u8")).containsExactly(200);
        assertThat(st.longs("flag")).containsExactly(0, 1, 1);
        assertThat(st.entry("flag").dtype().byteSize()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------
    // golden fixtures and a real Hugging Face checkpoint

    private static Path goldenDir() {
        String prop = System.getProperty("limbic.golden");
        List<Path> candidates = new ArrayList<>();
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        candidates.add(Paths.get("../shared/golden/cases"));    // from the project root
        candidates.add(Paths.get("../../shared/golden/cases")); // from the module dir (surefire)
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c.normalize();
            }
        }
        Assumptions.assumeTrue(false, "golden fixtures not found (tried " + candidates
                + "); set -Dlimbic.golden=<dir with *.safetensors>");
        throw new AssertionError("unreachable");
    }

    @Test
    void readsEveryGoldenFixture() throws IOException {
        Path golden = goldenDir();
        List<Path> files;
        try (Stream<Path> s = Files.list(golden)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        Assumptions.assumeTrue(!files.isEmpty(), "no *.safetensors in " + golden);
        int tensors = 0;
        for (Path f : files) {
            SafeTensors st = SafeTensors.read(f);
            assertThat(st.names()).as(f.toString()).isNotEmpty();
            for (String name : st.names()) {
                SafeTensors.Entry e = st.entry(name);
                int n = Math.toIntExact(e.numel());
                switch (e.dtype()) {
                    case F32 -> assertThat(st.floats(name)).as(f + " " + name).hasSize(n);
                    case F64 -> assertThat(st.doubles(name)).as(f + " " + name).hasSize(n);
                    default -> assertThat(st.longs(name)).as(f + " " + name).hasSize(n);
                }
                tensors++;
            }
        }
        assertThat(tensors).isGreaterThan(files.size());

        Path known = golden.resolve("matmul_2d.safetensors");
        if (!Files.exists(known)) {
            known = files.get(0);
        }
        SafeTensors st = SafeTensors.read(known);
        assertThat(st.metadata()).as(known.toString()).containsKey("op");
        if (known.getFileName().toString().equals("matmul_2d.safetensors")) {
            assertThat(st.metadata()).containsEntry("op", "matmul");
            assertThat(st.entry("input.a").shape()).containsExactly(7, 13);
            assertThat(st.entry("input.b").shape()).containsExactly(13, 5);
        }
    }

    @Test
    void readsHuggingFaceCheckpoint() throws IOException {
        Path model = goldenDir().toAbsolutePath().getParent().getParent().resolve("refs/roberta-tiny/model.safetensors");
        Assumptions.assumeTrue(Files.exists(model), "no Hugging Face reference checkpoint at " + model);
        SafeTensors st = SafeTensors.read(model);
        assertThat(st.metadata()).containsEntry("format", "pt");
        assertThat(st.entry("embeddings.word_embeddings.weight").shape()).containsExactly(64, 32);
        long prevEnd = 0;
        for (String name : st.names()) {
            SafeTensors.Entry e = st.entry(name);
            assertThat(e.begin()).isGreaterThanOrEqualTo(prevEnd);
            prevEnd = e.end();
            if (e.dtype() == SafeTensors.Dtype.F32) {
                assertThat(st.floats(name)).hasSize(Math.toIntExact(e.numel()));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // determinism

    private static SafeTensors.Writer sample(boolean reversed) {
        SafeTensors.Writer w = SafeTensors.writer();
        if (reversed) {
            w.putI64("z", new long[] {3}, new long[] {1, 2, 3}).metadata("b", "2").putF32("a", new long[] {1}, new float[] {1})
                    .metadata("a", "1");
        } else {
            w.metadata("a", "1").metadata("b", "2").putF32("a", new long[] {1}, new float[] {1})
                    .putI64("z", new long[] {3}, new long[] {1, 2, 3});
        }
        return w;
    }

    @Test
    void writesAreByteExactAndHeaderIsPaddedToEightBytes() throws IOException {
        Path p1 = dir.resolve("one.safetensors");
        Path p2 = dir.resolve("two.safetensors");
        Path p3 = dir.resolve("three.safetensors");
        sample(false).write(p1);
        sample(false).write(p2);
        sample(true).write(p3);
        byte[] b1 = Files.readAllBytes(p1);
        assertThat(Files.readAllBytes(p2)).isEqualTo(b1);
        assertThat(Files.readAllBytes(p3)).isEqualTo(b1);
        long n = ByteBuffer.wrap(b1, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + n) % 8).isZero();
        String header = new String(b1, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"},\"a\":");
        assertThat(header.indexOf("\"a\":{")).isLessThan(header.indexOf("\"z\":{"));
        assertThat(b1.length).isEqualTo(8 + n + 4 + 24);
        // A header needing no padding and one needing 7 bytes both land on a multiple of 8.
        for (int len = 1; len <= 9; len++) {
            Path p = dir.resolve("pad" + len + ".safetensors");
            SafeTensors.writer().putF32("x".repeat(len), new long[] {1}, new float[] {1}).write(p);
            long hn = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat((8 + hn) % 8).isZero();
            assertThat(SafeTensors.read(p).floats("x".repeat(len))).containsExactly(1f);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // writer argument errors

    @Test
    void writerRejectsLengthMismatch() {
        assertThatThrownBy(() -> SafeTensors.writer().putF32("w", new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'").hasMessageContaining("6").hasMessageContaining("5");
    }

    @Test
    void writerRejectsDuplicateNamesNegativeDimsAndReservedName() {
        SafeTensors.Writer w = SafeTensors.writer().putF32("w", new long[] {1}, new float[1]);
        assertThatThrownBy(() -> w.putI32("w", new long[] {1}, new int[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate").hasMessageContaining("'w'");
        assertThatThrownBy(() -> w.putF64("neg", new long[] {-1}, new double[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'neg'");
        assertThatThrownBy(() -> w.putI64("__metadata__", new long[] {1}, new long[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__metadata__");
    }

    // ---------------------------------------------------------------------------------------------
    // validation: one test per malformation

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path p = dir.resolve("tiny.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertBad(p, "3 bytes", "8-byte");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path p = dir.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(p, b.array());
        assertBad(p, "header length 1000", "12 bytes");
    }

    @Test
    void headerLengthOver100MiBIsRefusedBeforeAllocating() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        long n = (100L << 20) + 1;
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
            f.setLength(8 + n + 16); // sparse: the file really is that large
        }
        assertBad(p, "header length " + n, "100 MiB");
        // A u64 length with the top bit set must not be mistaken for a negative size.
        Path q = raw("u64.safetensors", "", new byte[0]);
        byte[] bytes = Files.readAllBytes(q);
        Arrays.fill(bytes, 0, 8, (byte) 0xff);
        Files.write(q, bytes);
        assertBad(q, "18446744073709551615");
    }

    @Test
    void headerNotUtf8ReportsBytePosition() throws IOException {
        byte[] h = "{\"__metadata__\":{\"k\":\"ab\"}}".getBytes(StandardCharsets.US_ASCII);
        h[23] = (byte) 0xC3; // 'b' -> lone lead byte followed by '"'
        assertBad(raw("utf8.safetensors", h, new byte[0]), "UTF-8", "header byte 23");
    }

    @Test
    void headerNotAJsonObject() throws IOException {
        assertBad(raw("array.safetensors", "[1, 2]", new byte[0]), "not a JSON object");
        assertBad(raw("emptyheader.safetensors", "", new byte[0]), "not a JSON object");
    }

    @Test
    void malformedJsonReportsBytePosition() throws IOException {
        String h = "{\"w\": {\"dtype\": \"F32\",, \"shape\": [1]}}";
        assertBad(raw("syntax.safetensors", h, new byte[0]), "malformed JSON", "header byte 22");
        assertBad(raw("unterminated.safetensors", "{\"w\": {\"dtype", new byte[0]), "malformed JSON", "unterminated");
        assertBad(raw("trailing.safetensors", "{} x", new byte[0]), "header byte 3");
        assertBad(raw("badnum.safetensors", one("{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}"),
                new byte[4]), "leading zero");
    }

    @Test
    void trailingSpacePaddingIsAccepted() throws IOException {
        String h = one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}") + "       ";
        assertThat(SafeTensors.read(raw("padded.safetensors", h, f32(7))).floats("w")).containsExactly(7f);
    }

    @Test
    void missingDtype() throws IOException {
        assertBad(raw("nodtype.safetensors", one("{\"shape\":[1],\"data_offsets\":[0,4]}"), new byte[4]),
                "'w'", "dtype");
    }

    @Test
    void missingShape() throws IOException {
        assertBad(raw("noshape.safetensors", one("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}"), new byte[4]),
                "'w'", "shape");
    }

    @Test
    void missingDataOffsets() throws IOException {
        assertBad(raw("nooffsets.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1]}"), new byte[4]),
                "'w'", "data_offsets");
    }

    @Test
    void unknownFieldInDescriptor() throws IOException {
        assertBad(raw("extra.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offset\":[0,4]}"),
                new byte[4]), "'w'", "data_offset");
    }

    @Test
    void unknownDtype() throws IOException {
        assertBad(raw("dtype.safetensors", one("{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}"),
                new byte[16]), "'w'", "F128");
    }

    @Test
    void negativeShapeDim() throws IOException {
        assertBad(raw("negdim.safetensors", one("{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,4]}"),
                new byte[4]), "'w'", "shape[1]", "negative");
    }

    @Test
    void nonIntegerShapeDim() throws IOException {
        assertBad(raw("fracdim.safetensors", one("{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,4]}"),
                new byte[4]), "'w'", "shape[0]", "2.5");
        assertBad(raw("strdim.safetensors", one("{\"dtype\":\"F32\",\"shape\":[\"3\"],\"data_offsets\":[0,4]}"),
                new byte[4]), "'w'", "shape[0]", "string");
        assertBad(raw("hugedim.safetensors",
                one("{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}"),
                new byte[4]), "'w'", "shape[0]", "64-bit");
    }

    @Test
    void numelOverflow() throws IOException {
        String h = one("{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}");
        assertBad(raw("overflow.safetensors", h, new byte[8]), "'w'", "overflows");
        // product fits a long but times byteSize does not
        String h2 = one("{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,8]}");
        assertBad(raw("overflow2.safetensors", h2, new byte[8]), "'w'", "overflows");
    }

    @Test
    void numelExceedsDataSection() throws IOException {
        String h = one("{\"dtype\":\"F32\",\"shape\":[1000000,1000],\"data_offsets\":[0,4000000000]}");
        assertBad(raw("toobig.safetensors", h, new byte[16]), "'w'", "4000000000 bytes", "16 bytes");
    }

    @Test
    void dataOffsetsNotAPair() throws IOException {
        assertBad(raw("offs1.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}"),
                new byte[4]), "'w'", "data_offsets", "1 elements");
        assertBad(raw("offs2.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}"),
                new byte[4]), "'w'", "data_offsets", "string");
        assertBad(raw("offs3.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}"),
                new byte[4]), "'w'", "data_offsets[1]", "negative");
    }

    @Test
    void dataOffsetsBeginAfterEnd() throws IOException {
        assertBad(raw("reversed.safetensors", one("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}"),
                new byte[4]), "'w'", "[4, 0]", "begin > end");
    }

    @Test
    void byteLengthDisagreesWithShape() throws IOException {
        assertBad(raw("mismatch.safetensors", one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}"),
                new byte[8]), "'w'", "4 bytes", "needs 8 bytes");
    }

    @Test
    void offsetsBeyondDataSection() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertBad(raw("beyond.safetensors", h, new byte[8]), "'w'", "[8, 12]", "beyond");
    }

    @Test
    void overlappingTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertBad(raw("overlap.safetensors", h, new byte[12]), "'a'", "'b'", "overlap");
    }

    @Test
    void gapsAndZeroSizeTensorsAreAllowed() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[2,2]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        SafeTensors st = SafeTensors.read(raw("gap.safetensors", h, f32(1, 2, 3, 4)));
        assertThat(st.floats("a")).containsExactly(1f);
        assertThat(st.floats("b")).containsExactly(3f);
        assertThat(st.floats("e")).isEmpty();
        assertThat(st.names()).containsExactly("a", "e", "b");
    }

    @Test
    void metadataValueNotString() throws IOException {
        assertBad(raw("meta.safetensors", "{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
                "__metadata__", "\"epoch\"", "number");
        assertBad(raw("meta2.safetensors", "{\"__metadata__\":[\"x\"]}", new byte[0]), "__metadata__", "array");
    }

    @Test
    void deeplyNestedJsonIsRejectedWithoutStackOverflow() throws IOException {
        String h = "{\"__metadata__\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertBad(raw("deep.safetensors", h, new byte[0]), "nested deeper than 64");
    }

    @Test
    void duplicateKeys() throws IOException {
        String d = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertBad(raw("dup.safetensors", "{\"w\":" + d + ",\"w\":" + d + "}", new byte[4]), "duplicate", "\"w\"");
        assertBad(raw("dupfield.safetensors", one("{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}"),
                new byte[4]), "duplicate", "\"dtype\"");
    }

    @Test
    void truncatedDataNamesTheTensor() throws IOException {
        Path p = dir.resolve("cut.safetensors");
        SafeTensors.writer()
                .putF32("a", new long[] {4}, new float[4])
                .putF32("b", new long[] {4}, new float[4])
                .write(p);
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length - 5));
        assertBad(p, "'b'", "truncated", "5 of its 16 bytes are missing");
        // Cut inside the first tensor: the first tensor with missing bytes is named.
        Files.write(p, Arrays.copyOf(all, all.length - 20));
        assertBad(p, "'a'", "truncated");
    }

    @Test
    void unknownTensorNameSuggestsCloseNames() throws IOException {
        Path p = dir.resolve("names.safetensors");
        SafeTensors.writer()
                .putF32("encoder.layer.0.weight", new long[] {1}, new float[1])
                .putF32("encoder.layer.0.bias", new long[] {1}, new float[1])
                .putF32("decoder.out", new long[] {1}, new float[1])
                .write(p);
        SafeTensors st = SafeTensors.read(p);
        assertThatThrownBy(() -> st.entry("encoder.layer.0.weigth"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names.safetensors").hasMessageContaining("3 tensors")
                .hasMessageContaining("encoder.layer.0.weight");
        assertThatThrownBy(() -> st.floats("zzz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zzz'");
    }

    // ---------------------------------------------------------------------------------------------
    // atomic writes

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void overwriteReplacesContentAndLeavesNoTempFiles() throws IOException {
        Path p = dir.resolve("model.safetensors");
        SafeTensors.writer().putF32("v", new long[] {1}, new float[] {1}).write(p);
        SafeTensors.writer().putF32("v", new long[] {2}, new float[] {2, 3}).write(p);
        assertThat(SafeTensors.read(p).floats("v")).containsExactly(2f, 3f);
        assertThat(listDir()).containsExactly("model.safetensors");
    }

    @Test
    void failedWriteLeavesNoTempFilesAndKeepsOldContent() throws IOException {
        // The target is a non-empty directory, so the final move must fail.
        Path target = dir.resolve("blocked.safetensors");
        Files.createDirectory(target);
        Files.write(target.resolve("keep"), new byte[] {42});
        assertThatThrownBy(() -> SafeTensors.writer().putF32("v", new long[] {1}, new float[] {1}).write(target))
                .isInstanceOf(IOException.class);
        assertThat(listDir()).containsExactly("blocked.safetensors");
        assertThat(Files.readAllBytes(target.resolve("keep"))).containsExactly(42);
    }

    @Test
    void concurrentReadersSeeEitherOldOrNewContent() throws Exception {
        Path p = dir.resolve("live.safetensors");
        float[] small = new float[16];
        Arrays.fill(small, 1f);
        float[] large = new float[64 * 1024];
        Arrays.fill(large, 2f);
        SafeTensors.writer().putF32("v", new long[] {small.length}, small).write(p);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    float[] v = SafeTensors.read(p).floats("v");
                    float first = v[0];
                    if (!(v.length == small.length && first == 1f) && !(v.length == large.length && first == 2f)) {
                        throw new AssertionError("torn read: length " + v.length + " first " + first);
                    }
                    for (float x : v) {
                        if (x != first) {
                            throw new AssertionError("mixed content");
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < 40; i++) {
            float[] d = i % 2 == 0 ? large : small;
            SafeTensors.writer().putF32("v", new long[] {d.length}, d).write(p);
        }
        stop.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(listDir()).containsExactly("live.safetensors");
    }

    // ---------------------------------------------------------------------------------------------

    private static int[] floatBits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
