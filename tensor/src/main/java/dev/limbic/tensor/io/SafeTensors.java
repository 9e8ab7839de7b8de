package dev.limbic.tensor.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An opened, fully validated <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * file.
 *
 * <p>Layout: bytes {@code [0,8)} hold {@code N}, an unsigned little-endian 64-bit header length;
 * bytes {@code [8,8+N)} hold a UTF-8 JSON object (possibly padded with trailing spaces) mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an optional flat
 * string→string {@code "__metadata__"} object; the rest is the data section, where each tensor's
 * little-endian, row-major bytes lie at {@code [begin, end)} relative to the section start.
 *
 * <p>{@link #read(Path)} checks everything before returning (see {@link SafeTensorsFormatException}
 * for what is reported): a returned instance never fails later because of the file's content. The
 * data section is copied to the heap when it fits in a Java array (about 2 GiB) and memory-mapped
 * otherwise. Instances are immutable and safe to share between threads.
 *
 * <p>Typed accessors copy into fresh arrays and only ever widen: {@link #floats} reads F32/F16/BF16,
 * {@link #doubles} reads every float dtype, {@link #longs} every integer dtype, {@link #ints} every
 * integer dtype whose values fit in an {@code int}. Asking for a narrowing or cross-kind conversion
 * throws {@link IllegalArgumentException} naming the tensor, its dtype and the accessor to use.
 */
public final class SafeTensors {

    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** Largest heap array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** I/O chunk for reads and writes (avoids NIO's per-call temporary direct buffer of full size). */
    private static final int CHUNK = 1 << 20;

    private static final String METADATA_KEY = "__metadata__";

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element types of the Hugging Face format (the subset Limbic understands). */
    public enum Dtype {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        private final int byteSize;

        Dtype(int byteSize) {
            this.byteSize = byteSize;
        }

        /** Bytes per element. */
        public int byteSize() {
            return byteSize;
        }

        boolean isFloat() {
            return this == F64 || this == F32 || this == F16 || this == BF16;
        }
    }

    /**
     * One tensor's header entry. {@code begin}/{@code end} are byte offsets relative to the start of
     * the data section. The shape array is copied in and out, so an entry is immutable.
     */
    public record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Number of elements (1 for a 0-d tensor, 0 if any dimension is 0). */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d; // cannot overflow: validated at read time / by the constructor's callers
            }
            return n;
        }

        /** Number of bytes, {@code end - begin}. */
        public long byteLength() {
            return end - begin;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype
                    && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final Map<String, String> metadata;
    private final List<String> names;
    private final Map<String, Entry> entries;
    private final MemorySegment data;

    private SafeTensors(Path file, Map<String, String> metadata, List<Entry> ordered, MemorySegment data) {
        this.file = file;
        this.metadata = Collections.unmodifiableMap(metadata);
        List<String> n = new ArrayList<>(ordered.size());
        Map<String, Entry> m = new HashMap<>(Math.max(16, ordered.size() * 2));
        for (Entry e : ordered) {
            n.add(e.name());
            m.put(e.name(), e);
        }
        this.names = Collections.unmodifiableList(n);
        this.entries = m;
        this.data = data;
    }

    // ============================================================================================
    // Reading
    // ============================================================================================

    /**
     * Opens and fully validates {@code file}, loading its data section into memory.
     *
     * @throws SafeTensorsFormatException if the file is not a well-formed safetensors file; the
     *     message names the file and the tensor or field at fault
     * @throws IOException if the file cannot be read
     */
    public static SafeTensors read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(file, "file is " + size
                        + " bytes long, shorter than the 8-byte header-length prefix (not a safetensors file?)");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0, file, "the header-length prefix");
            long n = prefix.getLong(0); // u64; a "negative" value is >= 2^63
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafeTensorsFormatException(file, "header length " + Long.toUnsignedString(n)
                        + " bytes exceeds the " + MAX_HEADER_BYTES + "-byte (100 MiB) limit (not a safetensors file?)");
            }
            if (n > size - 8) {
                throw new SafeTensorsFormatException(file, "header length " + n + " bytes exceeds the "
                        + (size - 8) + " bytes that follow the 8-byte prefix (truncated or not a safetensors file?)");
            }
            byte[] header = new byte[(int) n];
            readFully(ch, ByteBuffer.wrap(header), 8, file, "the header");
            long dataSize = size - 8 - n;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> list = parseHeader(file, header, dataSize, metadata);
            List<Entry> ordered = validateLayout(file, list);

            long used = 0;
            for (Entry e : ordered) {
                used = Math.max(used, e.end());
            }
            long dataStart = 8 + n;
            MemorySegment data;
            if (used == 0) {
                data = MemorySegment.ofArray(new byte[0]);
            } else if (used <= MAX_ARRAY) {
                byte[] bytes = new byte[(int) used];
                readFully(ch, ByteBuffer.wrap(bytes), dataStart, file, "the data section");
                data = MemorySegment.ofArray(bytes);
            } else {
                data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, used, Arena.ofAuto());
            }
            return new SafeTensors(file, metadata, ordered, data);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file, String what)
            throws IOException {
        int total = dst.remaining();
        int start = dst.position();
        while (dst.position() < start + total) {
            int done = dst.position() - start;
            dst.limit(start + Math.min(total, done + CHUNK));
            int r = ch.read(dst, position + done);
            if (r < 0) {
                throw new SafeTensorsFormatException(file, "file ended while reading " + what
                        + " (it shrank while being read?)");
            }
        }
    }

    /** Parses the JSON header into entries (in file order) and the metadata map. */
    private static List<Entry> parseHeader(Path file, byte[] header, long dataSize, Map<String, String> metadata) {
        checkUtf8(file, header);
        List<Entry> list = new ArrayList<>();
        try {
            Json.parseTopLevelObject(header, header.length, (key, value, pos) -> {
                if (key.equals(METADATA_KEY)) {
                    parseMetadata(file, value, metadata);
                } else {
                    list.add(parseEntry(file, key, value, dataSize));
                }
            });
        } catch (Json.ParseException e) {
            throw new SafeTensorsFormatException(file, "malformed JSON header at header byte " + e.position()
                    + " (file offset " + (8L + e.position()) + "): " + e.getMessage(), e);
        }
        return list;
    }

    private static void checkUtf8(Path file, byte[] header) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            if (r.isError()) {
                throw new SafeTensorsFormatException(file, "header is not valid UTF-8: bad byte sequence at header byte "
                        + in.position() + " (file offset " + (8L + in.position()) + ")");
            }
            if (r.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    private static void parseMetadata(Path file, Object value, Map<String, String> metadata) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(file, "\"__metadata__\" must be an object of strings but is "
                    + Json.typeName(value));
        }
        for (Map.Entry<?, ?> me : map.entrySet()) {
            Object v = me.getValue();
            if (!(v instanceof String s)) {
                throw new SafeTensorsFormatException(file, "\"__metadata__\" value for key \"" + me.getKey()
                        + "\" must be a string but is " + Json.typeName(v) + " (" + abbreviate(String.valueOf(v)) + ")");
            }
            metadata.put((String) me.getKey(), s);
        }
    }

    private static Entry parseEntry(Path file, String name, Object value, long dataSize) {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(file, where + "descriptor must be an object but is "
                    + Json.typeName(value));
        }
        for (Object k : map.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new SafeTensorsFormatException(file, where + "unknown field \"" + k
                        + "\" (expected only dtype, shape, data_offsets)");
            }
        }
        Object dt = require(file, where, map, "dtype");
        if (!(dt instanceof String dts)) {
            throw new SafeTensorsFormatException(file, where + "field \"dtype\" must be a string but is "
                    + Json.typeName(dt));
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dts);
        } catch (IllegalArgumentException ex) {
            throw new SafeTensorsFormatException(file, where + "unsupported dtype \"" + dts + "\" (supported: "
                    + Arrays.toString(Dtype.values()) + ")");
        }

        Object sh = require(file, where, map, "shape");
        if (!(sh instanceof List<?> shList)) {
            throw new SafeTensorsFormatException(file, where + "field \"shape\" must be an array but is "
                    + Json.typeName(sh));
        }
        long[] shape = new long[shList.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where, "shape[" + i + "]", shList.get(i));
        }

        Object off = require(file, where, map, "data_offsets");
        if (!(off instanceof List<?> offList) || offList.size() != 2) {
            throw new SafeTensorsFormatException(file, where + "field \"data_offsets\" must be an array [begin, end] but is "
                    + (off instanceof List<?> l ? "an array of " + l.size() + " elements" : Json.typeName(off)));
        }
        long begin = nonNegativeLong(file, where, "data_offsets[0]", offList.get(0));
        long end = nonNegativeLong(file, where, "data_offsets[1]", offList.get(1));
        if (begin > end) {
            throw new SafeTensorsFormatException(file, where + "data_offsets [" + begin + ", " + end
                    + "] has begin > end");
        }

        long nbytes;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            nbytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafeTensorsFormatException(file, where + "shape " + Arrays.toString(shape) + " of " + dtype
                    + " overflows: element count × " + dtype.byteSize() + " bytes exceeds a 64-bit size");
        }
        if (nbytes > dataSize) {
            throw new SafeTensorsFormatException(file, where + "shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + nbytes + " bytes but the whole data section is only " + dataSize
                    + " bytes (file truncated?)");
        }
        if (end - begin != nbytes) {
            throw new SafeTensorsFormatException(file, where + "data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + nbytes + " bytes");
        }
        if (end > dataSize) {
            throw new SafeTensorsFormatException(file, where + "data_offsets [" + begin + ", " + end
                    + "] reach beyond the end of the data section (" + dataSize + " bytes): "
                    + (begin >= dataSize && nbytes > 0 ? "all" : String.valueOf(end - dataSize)) + " of its "
                    + nbytes + " bytes are missing (file truncated?)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static Object require(Path file, String where, Map<?, ?> map, String field) {
        Object v = map.get(field);
        if (v == null) {
            throw new SafeTensorsFormatException(file, where + "missing field \"" + field + "\"");
        }
        return v;
    }

    private static long nonNegativeLong(Path file, String where, String field, Object v) {
        if (!(v instanceof Json.Num num)) {
            throw new SafeTensorsFormatException(file, where + field + " must be a non-negative integer but is "
                    + Json.typeName(v) + (v instanceof String s ? " \"" + s + "\"" : ""));
        }
        if (!num.isInteger()) {
            throw new SafeTensorsFormatException(file, where + field + " must be a non-negative integer but is "
                    + num.text());
        }
        if (num.text().startsWith("-")) {
            throw new SafeTensorsFormatException(file, where + field + " is negative: " + num.text());
        }
        try {
            return Long.parseLong(num.text());
        } catch (NumberFormatException ex) {
            throw new SafeTensorsFormatException(file, where + field + " = " + num.text()
                    + " does not fit in a signed 64-bit integer");
        }
    }

    /** Sorts into data-offset order and rejects overlapping byte ranges (gaps are allowed). */
    private static List<Entry> validateLayout(Path file, List<Entry> list) {
        List<Entry> ordered = new ArrayList<>(list);
        ordered.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end)
                .thenComparing(Entry::name));
        Entry prev = null; // last non-empty tensor
        for (Entry e : ordered) {
            if (e.begin() == e.end()) {
                continue; // zero-byte tensors occupy nothing
            }
            if (prev != null && e.begin() < prev.end()) {
                throw new SafeTensorsFormatException(file, "tensor '" + e.name() + "' data_offsets ["
                        + e.begin() + ", " + e.end() + "] overlap tensor '" + prev.name() + "' data_offsets ["
                        + prev.begin() + ", " + prev.end() + "]");
            }
            prev = e;
        }
        return ordered;
    }

    // ============================================================================================
    // Accessors
    // ============================================================================================

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** The {@code __metadata__} map in file order; empty if the file has none. Unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in data-offset order. Unmodifiable. */
    public List<String> names() {
        return names;
    }

    /** Number of tensors. */
    public int size() {
        return names.size();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * The header entry of {@code name}.
     *
     * @throws IllegalArgumentException if there is no such tensor; the message lists similar names
     */
    public Entry entry(String name) {
        Objects.requireNonNull(name, "name");
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "' among its "
                    + names.size() + " tensors" + suggestions(name));
        }
        return e;
    }

    /**
     * Read-only view of the tensor's raw little-endian bytes (zero copy). Valid as long as this
     * object is reachable.
     */
    public MemorySegment segment(String name) {
        Entry e = entry(name);
        return data.asSlice(e.begin(), e.byteLength()).asReadOnly();
    }

    /** F32 as stored; F16 and BF16 widened exactly. F64 is refused (use {@link #doubles}). */
    public float[] floats(String name) {
        Entry e = entry(name);
        int n = arrayLength(e);
        float[] out = new float[n];
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(data, F32_LE, e.begin(), out, 0, n);
            case F16, BF16 -> {
                boolean bf = e.dtype() == Dtype.BF16;
                short[] buf = new short[Math.min(n, CHUNK)];
                for (int off = 0; off < n; off += buf.length) {
                    int k = Math.min(buf.length, n - off);
                    MemorySegment.copy(data, I16_LE, e.begin() + 2L * off, buf, 0, k);
                    for (int i = 0; i < k; i++) {
                        out[off + i] = bf ? Float.intBitsToFloat((buf[i] & 0xffff) << 16) : Float.float16ToFloat(buf[i]);
                    }
                }
            }
            default -> throw wrongType(e, "floats()", e.dtype() == Dtype.F64
                    ? "use doubles(); floats() never narrows F64" : "use longs() or ints() for integer tensors");
        }
        return out;
    }

    /** F64 as stored; F32, F16 and BF16 widened exactly. */
    public double[] doubles(String name) {
        Entry e = entry(name);
        if (e.dtype() == Dtype.F64) {
            int n = arrayLength(e);
            double[] out = new double[n];
            MemorySegment.copy(data, F64_LE, e.begin(), out, 0, n);
            return out;
        }
        if (!e.dtype().isFloat()) {
            throw wrongType(e, "doubles()", "use longs() or ints() for integer tensors");
        }
        float[] f = floats(name);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** I64 as stored; I32, I16, I8 sign-extended; U8 zero-extended; BOOL as 0/1 (any non-zero byte is 1). */
    public long[] longs(String name) {
        Entry e = entry(name);
        int n = arrayLength(e);
        long[] out = new long[n];
        switch (e.dtype()) {
            case I64 -> MemorySegment.copy(data, I64_LE, e.begin(), out, 0, n);
            case I32, I16, I8, U8, BOOL -> {
                int[] ints = ints(name);
                for (int i = 0; i < n; i++) {
                    out[i] = ints[i];
                }
            }
            default -> throw wrongType(e, "longs()", "use floats() or doubles() for floating-point tensors");
        }
        return out;
    }

    /**
     * I32 as stored; I16, I8 sign-extended; U8 zero-extended; BOOL as 0/1; I64 only if every value
     * fits in an int (otherwise {@link IllegalArgumentException} naming the first offending element).
     */
    public int[] ints(String name) {
        Entry e = entry(name);
        int n = arrayLength(e);
        int[] out = new int[n];
        long b = e.begin();
        switch (e.dtype()) {
            case I32 -> MemorySegment.copy(data, I32_LE, b, out, 0, n);
            case I16 -> {
                short[] s = new short[n];
                MemorySegment.copy(data, I16_LE, b, s, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = s[i];
                }
            }
            case I8, U8, BOOL -> {
                byte[] s = new byte[n];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, b, s, 0, n);
                Dtype d = e.dtype();
                for (int i = 0; i < n; i++) {
                    out[i] = d == Dtype.I8 ? s[i] : d == Dtype.U8 ? s[i] & 0xff : (s[i] != 0 ? 1 : 0);
                }
            }
            case I64 -> {
                long[] buf = new long[Math.min(n, CHUNK)];
                for (int off = 0; off < n; off += buf.length) {
                    int k = Math.min(buf.length, n - off);
                    MemorySegment.copy(data, I64_LE, b + 8L * off, buf, 0, k);
                    for (int i = 0; i < k; i++) {
                        long v = buf[i];
                        if (v != (int) v) {
                            throw new IllegalArgumentException(file + ": tensor '" + e.name() + "' (I64) element "
                                    + (off + i) + " = " + v + " is outside the int range; use longs()");
                        }
                        out[off + i] = (int) v;
                    }
                }
            }
            default -> throw wrongType(e, "ints()", "use floats() or doubles() for floating-point tensors");
        }
        return out;
    }

    private int arrayLength(Entry e) {
        long n = e.numel();
        if (n > MAX_ARRAY) {
            throw new IllegalArgumentException(file + ": tensor '" + e.name() + "' has " + n
                    + " elements, too many for a Java array; use segment()");
        }
        return (int) n;
    }

    private IllegalArgumentException wrongType(Entry e, String accessor, String hint) {
        return new IllegalArgumentException(file + ": tensor '" + e.name() + "' has dtype " + e.dtype()
                + ", which " + accessor + " cannot return; " + hint);
    }

    private String suggestions(String name) {
        if (names.isEmpty()) {
            return " (the file has no tensors)";
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        record Scored(String name, int score) {}
        List<Scored> scored = new ArrayList<>();
        int limit = Math.max(2, name.length() / 3);
        for (String cand : names) {
            String cl = cand.toLowerCase(java.util.Locale.ROOT);
            int d;
            if (cl.equals(lower)) {
                d = 0;
            } else if (!lower.isEmpty() && (cl.contains(lower) || lower.contains(cl))) {
                d = 1;
            } else if (Math.abs(cand.length() - name.length()) > limit || cand.length() > 256 || name.length() > 256) {
                continue;
            } else {
                d = levenshtein(lower, cl);
            }
            if (d <= limit) {
                scored.add(new Scored(cand, d));
            }
        }
        if (scored.isEmpty()) {
            if (names.size() <= 8) {
                return "; it has: " + String.join(", ", names);
            }
            return "; e.g. " + String.join(", ", names.subList(0, 5)) + ", ...";
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::name));
        List<String> best = new ArrayList<>();
        for (int i = 0; i < Math.min(5, scored.size()); i++) {
            best.add(scored.get(i).name());
        }
        return "; did you mean: " + String.join(", ", best) + "?";
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return "SafeTensors[" + file + ", " + names.size() + " tensors]";
    }

    // ============================================================================================
    // Writing
    // ============================================================================================

    /** A new, empty writer. */
    public static Writer writer() {
        return new Writer();
    }

    /**
     * Collects tensors and metadata, then {@link #write(Path) writes} them atomically. Output is
     * deterministic: metadata keys and tensors are sorted by name, tensors are packed without gaps in
     * that order, and the header is padded with spaces so the data section starts at a multiple of 8.
     *
     * <p>Arrays are not copied when put: do not modify them before {@code write} returns. Not
     * thread-safe.
     */
    public static final class Writer {

        private record Pending(Dtype dtype, long[] shape, Object data, long nbytes) {}

        private final TreeMap<String, String> metadata = new TreeMap<>();
        private final TreeMap<String, Pending> tensors = new TreeMap<>();

        private Writer() {}

        /** Adds (or replaces) a {@code __metadata__} entry. */
        public Writer metadata(String key, String value) {
            Objects.requireNonNull(key, "metadata key");
            Objects.requireNonNull(value, "metadata value for key '" + key + "'");
            metadata.put(key, value);
            return this;
        }

        public Writer putF32(String name, long[] shape, float[] data) {
            return put(name, Dtype.F32, shape, Objects.requireNonNull(data, "data"), data.length);
        }

        public Writer putF64(String name, long[] shape, double[] data) {
            return put(name, Dtype.F64, shape, Objects.requireNonNull(data, "data"), data.length);
        }

        public Writer putI64(String name, long[] shape, long[] data) {
            return put(name, Dtype.I64, shape, Objects.requireNonNull(data, "data"), data.length);
        }

        public Writer putI32(String name, long[] shape, int[] data) {
            return put(name, Dtype.I32, shape, Objects.requireNonNull(data, "data"), data.length);
        }

        private Writer put(String name, Dtype dtype, long[] shape, Object data, int length) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            if (tensors.containsKey(name)) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
            }
            long[] s = shape.clone();
            long numel = 1;
            for (int i = 0; i < s.length; i++) {
                if (s[i] < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(s)
                            + " has a negative dimension at index " + i);
                }
                numel = Math.multiplyExact(numel, s[i]);
            }
            if (numel != length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(s) + " has "
                        + numel + " elements but the " + dtype + " data array has " + length);
            }
            tensors.put(name, new Pending(dtype, s, data, numel * dtype.byteSize()));
            return this;
        }

        /**
         * Writes the file atomically: the bytes go to a temporary file in the target's directory, are
         * fsynced, and the temporary file is then moved over {@code file} (atomic rename where
         * supported). On failure the temporary file is removed and any existing {@code file} is left
         * untouched.
         */
        public void write(Path file) throws IOException {
            Objects.requireNonNull(file, "file");
            byte[] header = headerBytes();
            Path abs = file.toAbsolutePath();
            Path dir = abs.getParent();
            Path tmp = createTemp(dir, abs.getFileName().toString());
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                     Arena arena = Arena.ofConfined()) {
                    ByteBuffer buf = arena.allocate(CHUNK, 8).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    buf.putLong(header.length);
                    writeAll(ch, buf.flip());
                    writeAll(ch, ByteBuffer.wrap(header));
                    for (Pending p : tensors.values()) {
                        writeTensor(ch, buf, p);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException ex) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | RuntimeException | Error ex) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    ex.addSuppressed(suppressed);
                }
                throw ex;
            }
            syncDirectory(dir);
        }

        private byte[] headerBytes() {
            StringBuilder sb = new StringBuilder(64 + 96 * tensors.size());
            sb.append('{');
            boolean first = true;
            if (!metadata.isEmpty()) {
                sb.append("\"__metadata__\":{");
                boolean f = true;
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    if (!f) {
                        sb.append(',');
                    }
                    f = false;
                    quote(sb, m.getKey());
                    sb.append(':');
                    quote(sb, m.getValue());
                }
                sb.append('}');
                first = false;
            }
            long offset = 0;
            for (Map.Entry<String, Pending> t : tensors.entrySet()) {
                Pending p = t.getValue();
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, t.getKey());
                sb.append(":{\"dtype\":\"").append(p.dtype().name()).append("\",\"shape\":[");
                for (int i = 0; i < p.shape().length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(p.shape()[i]);
                }
                sb.append("],\"data_offsets\":[").append(offset).append(',');
                offset += p.nbytes();
                sb.append(offset).append("]}");
            }
            sb.append('}');
            byte[] json = encodeStrict(sb);
            int padded = json.length + (8 - (8 + json.length) % 8) % 8;
            if (padded > MAX_HEADER_BYTES) {
                throw new IllegalStateException("safetensors header would be " + padded + " bytes, over the "
                        + MAX_HEADER_BYTES + "-byte limit readers accept");
            }
            byte[] out = Arrays.copyOf(json, padded);
            Arrays.fill(out, json.length, padded, (byte) ' ');
            return out;
        }

        private static byte[] encodeStrict(CharSequence s) {
            CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                ByteBuffer bb = enc.encode(CharBuffer.wrap(s));
                byte[] out = new byte[bb.remaining()];
                bb.get(out);
                return out;
            } catch (CharacterCodingException ex) {
                throw new IllegalArgumentException("a tensor name or metadata string contains an unpaired "
                        + "surrogate and cannot be encoded as UTF-8", ex);
            }
        }

        private static void quote(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }

        private static void writeTensor(FileChannel ch, ByteBuffer buf, Pending p) throws IOException {
            int elem = p.dtype().byteSize();
            int perChunk = CHUNK / elem;
            int n = java.lang.reflect.Array.getLength(p.data());
            for (int off = 0; off < n; off += perChunk) {
                int k = Math.min(perChunk, n - off);
                buf.clear();
                switch (p.dtype()) {
                    case F32 -> buf.asFloatBuffer().put((float[]) p.data(), off, k);
                    case F64 -> buf.asDoubleBuffer().put((double[]) p.data(), off, k);
                    case I64 -> buf.asLongBuffer().put((long[]) p.data(), off, k);
                    case I32 -> buf.asIntBuffer().put((int[]) p.data(), off, k);
                    default -> throw new AssertionError(p.dtype());
                }
                buf.limit(k * elem);
                writeAll(ch, buf);
            }
        }

        private static void writeAll(FileChannel ch, ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }

        private static Path createTemp(Path dir, String fileName) throws IOException {
            // Not Files.createTempFile: that forces owner-only permissions on POSIX, which the final
            // file would then inherit. CREATE_NEW with a random name keeps the default umask.
            String base = "." + (fileName.length() > 100 ? fileName.substring(0, 100) : fileName);
            for (int attempt = 0; ; attempt++) {
                Path tmp = dir.resolve(base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
                try {
                    Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                    return tmp;
                } catch (FileAlreadyExistsException ex) {
                    if (attempt >= 100) {
                        throw ex;
                    }
                }
            }
        }

        private static void syncDirectory(Path dir) {
            // Makes the rename durable on POSIX; unsupported on some platforms, where it is best effort.
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // best effort
            }
        }
    }
}
