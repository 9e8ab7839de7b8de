package dev.limbic.tensor.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.DeviceStorage;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.RecurrentOps;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the SPI admits device-resident storage: a fake "device" backend keeps its data in {@link DeviceStorage}
 * objects that host kernels cannot read, and implements each kernel by unwrapping and delegating to the scalar
 * backend (as a real offload backend falls back for ops it lacks). Every op must dispatch through the storage's
 * backend; any host-array assumption in the tensor layer would surface as a ClassCastException here.
 */
class DeviceStorageSpiTest {

    /** Device storage whose "device memory" is a host storage only the fake backend knows about. */
    static final class FakeDeviceStorage extends DeviceStorage {
        final HostStorage memory;
        final FakeDevice owner;

        FakeDeviceStorage(FakeDevice owner, HostStorage memory) {
            super(memory.dtype(), memory.size());
            this.owner = owner;
            this.memory = memory;
        }

        @Override
        public Backend backend() {
            return owner;
        }
    }

    static final class FakeDevice implements Backend {
        final ScalarBackend cpu = new ScalarBackend();
        int kernelCalls;

        private HostStorage mem(Storage s) {
            if (s == null) {
                return null;
            }
            if (s instanceof FakeDeviceStorage d) {
                return d.memory;
            }
            throw new IllegalArgumentException("fake device given a " + s.getClass().getSimpleName());
        }

        @Override
        public String name() {
            return "fake-device";
        }

        @Override
        public Storage allocate(DType dtype, int size) {
            return new FakeDeviceStorage(this, HostStorage.allocate(dtype, size));
        }

        @Override
        public Storage fromHost(HostStorage host) {
            HostStorage copy = HostStorage.allocate(host.dtype(), host.size());
            cpu.copy(new int[] {host.size()}, host, 0, new int[] {1}, copy, 0, new int[] {1});
            return new FakeDeviceStorage(this, copy);
        }

        @Override
        public HostStorage toHost(Storage storage) {
            return mem(storage);
        }

        @Override
        public void copy(int[] shape, Storage src, int srcOff, int[] srcStrides, Storage dst, int dstOff, int[] dstStrides) {
            kernelCalls++;
            cpu.copy(shape, mem(src), srcOff, srcStrides, mem(dst), dstOff, dstStrides);
        }

        @Override
        public void fill(Storage dst, int off, int n, double value) {
            kernelCalls++;
            cpu.fill(mem(dst), off, n, value);
        }

        @Override
        public void unary(UnaryOp op, Storage x, int xOff, Storage y, int yOff, int n, double alpha, double beta) {
            kernelCalls++;
            cpu.unary(op, mem(x), xOff, mem(y), yOff, n, alpha, beta);
        }

        @Override
        public void unaryBackward(UnaryOp op, Storage x, int xOff, Storage y, int yOff, Storage gy, int gyOff,
                                  Storage gx, int gxOff, int n, double alpha, double beta) {
            kernelCalls++;
            cpu.unaryBackward(op, mem(x), xOff, mem(y), yOff, mem(gy), gyOff, mem(gx), gxOff, n, alpha, beta);
        }

        @Override
        public void binary(BinaryOp op, int[] shape, Storage a, int aOff, int[] aStrides, Storage b, int bOff,
                           int[] bStrides, Storage out, int outOff) {
            kernelCalls++;
            cpu.binary(op, shape, mem(a), aOff, aStrides, mem(b), bOff, bStrides, mem(out), outOff);
        }

        @Override
        public void where(int[] shape, Storage cond, int cOff, int[] cStrides, Storage a, int aOff, int[] aStrides,
                          Storage b, int bOff, int[] bStrides, Storage out, int outOff) {
            kernelCalls++;
            cpu.where(shape, mem(cond), cOff, cStrides, mem(a), aOff, aStrides, mem(b), bOff, bStrides, mem(out), outOff);
        }

        @Override
        public void reduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage out, int outOff) {
            kernelCalls++;
            cpu.reduce(op, mem(x), xOff, outer, len, inner, mem(out), outOff);
        }

        @Override
        public void argReduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage values,
                              int valuesOff, Storage indices, int indicesOff) {
            kernelCalls++;
            cpu.argReduce(op, mem(x), xOff, outer, len, inner, mem(values), valuesOff, mem(indices), indicesOff);
        }

        @Override
        public void matmul(int batch, int m, int n, int k, Storage a, int aOff, int aBatchStride, int aRowStride,
                           int aColStride, Storage b, int bOff, int bBatchStride, int bRowStride, int bColStride,
                           Storage c, int cOff, int cBatchStride, int ldc, boolean accumulate) {
            kernelCalls++;
            cpu.matmul(batch, m, n, k, mem(a), aOff, aBatchStride, aRowStride, aColStride, mem(b), bOff, bBatchStride,
                    bRowStride, bColStride, mem(c), cOff, cBatchStride, ldc, accumulate);
        }

        @Override
        public void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols) {
            kernelCalls++;
            cpu.softmax(log, mem(x), xOff, mem(y), yOff, rows, cols);
        }

        @Override
        public void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff,
                                    int rows, int cols) {
            kernelCalls++;
            cpu.softmaxBackward(log, mem(y), yOff, mem(gy), gyOff, mem(gx), gxOff, rows, cols);
        }

        @Override
        public void layerNorm(Storage x, int xOff, Storage w, Storage b, Storage y, int yOff, Storage mean,
                              Storage rstd, int rows, int cols, double eps) {
            kernelCalls++;
            cpu.layerNorm(mem(x), xOff, mem(w), mem(b), mem(y), yOff, mem(mean), mem(rstd), rows, cols, eps);
        }

        @Override
        public void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                                      int gyOff, Storage gx, int gxOff, Storage gw, Storage gb, int rows, int cols) {
            kernelCalls++;
            cpu.layerNormBackward(mem(x), xOff, mem(w), mem(mean), mem(rstd), mem(gy), gyOff, mem(gx), gxOff, mem(gw),
                    mem(gb), rows, cols);
        }

        @Override
        public void indexSelect(Storage src, int srcOff, int outer, int srcDim, int inner, Storage index,
                                int indexOff, int nIndex, Storage out, int outOff) {
            kernelCalls++;
            cpu.indexSelect(mem(src), srcOff, outer, srcDim, inner, mem(index), indexOff, nIndex, mem(out), outOff);
        }

        @Override
        public void indexAdd(Storage src, int srcOff, int outer, int dstDim, int inner, Storage index, int indexOff,
                             int nIndex, Storage dst, int dstOff) {
            kernelCalls++;
            cpu.indexAdd(mem(src), srcOff, outer, dstDim, inner, mem(index), indexOff, nIndex, mem(dst), dstOff);
        }

        @Override
        public void gather(int[] indexShape, int dim, Storage src, int srcOff, int[] srcStrides, Storage index,
                           int indexOff, Storage out, int outOff) {
            kernelCalls++;
            cpu.gather(indexShape, dim, mem(src), srcOff, srcStrides, mem(index), indexOff, mem(out), outOff);
        }

        @Override
        public void scatterAdd(int[] indexShape, int dim, Storage src, int srcOff, Storage index, int indexOff,
                               Storage dst, int dstOff, int[] dstStrides) {
            kernelCalls++;
            cpu.scatterAdd(indexShape, dim, mem(src), srcOff, mem(index), indexOff, mem(dst), dstOff, dstStrides);
        }

        @Override
        public void crossEntropy(Storage logits, int logitsOff, int rows, int cols, Storage target, int targetOff,
                                 Storage weight, long ignoreIndex, double labelSmoothing, Storage loss, int lossOff,
                                 Storage logSumExp, int lseOff) {
            kernelCalls++;
            cpu.crossEntropy(mem(logits), logitsOff, rows, cols, mem(target), targetOff, mem(weight), ignoreIndex,
                    labelSmoothing, mem(loss), lossOff, mem(logSumExp), lseOff);
        }

        @Override
        public void crossEntropyBackward(Storage logits, int logitsOff, int rows, int cols, Storage target,
                                         int targetOff, Storage weight, long ignoreIndex, double labelSmoothing,
                                         Storage logSumExp, int lseOff, Storage gradLoss, int gradOff,
                                         int gradStride, double scale, Storage gx, int gxOff) {
            kernelCalls++;
            cpu.crossEntropyBackward(mem(logits), logitsOff, rows, cols, mem(target), targetOff, mem(weight),
                    ignoreIndex, labelSmoothing, mem(logSumExp), lseOff, mem(gradLoss), gradOff, gradStride, scale,
                    mem(gx), gxOff);
        }

        @Override
        public void adamStep(Storage param, int paramOff, Storage grad, int gradOff, Storage expAvg, int expAvgOff,
                             Storage expAvgSq, int expAvgSqOff, int n, long step, double lr, double beta1,
                             double beta2, double eps, double weightDecay, boolean decoupled) {
            kernelCalls++;
            cpu.adamStep(mem(param), paramOff, mem(grad), gradOff, mem(expAvg), expAvgOff, mem(expAvgSq),
                    expAvgSqOff, n, step, lr, beta1, beta2, eps, weightDecay, decoupled);
        }

        @Override
        public void sgdStep(Storage param, int paramOff, Storage grad, int gradOff, Storage momentumBuffer,
                            int bufferOff, int n, double lr, double momentum, double dampening, double weightDecay,
                            boolean nesterov, boolean firstStep) {
            kernelCalls++;
            cpu.sgdStep(mem(param), paramOff, mem(grad), gradOff, mem(momentumBuffer), bufferOff, n, lr, momentum,
                    dampening, weightDecay, nesterov, firstStep);
        }

        @Override
        public double sumOfSquares(Storage x, int xOff, int n) {
            kernelCalls++;
            return cpu.sumOfSquares(mem(x), xOff, n);
        }

        @Override
        public void scale(Storage x, int xOff, int n, double factor) {
            kernelCalls++;
            cpu.scale(mem(x), xOff, n, factor);
        }

        @Override
        public void lifIntegrate(Storage v, int vOff, Storage current, int cOff, Storage out, int outOff, int n,
                                 double beta, double threshold, double resetAmount) {
            kernelCalls++;
            cpu.lifIntegrate(mem(v), vOff, mem(current), cOff, mem(out), outOff, n, beta, threshold, resetAmount);
        }

        @Override
        public void spikeSurrogateBackward(SpikeSurrogate surrogate, double alpha, double threshold, double base,
                                           double scale, Storage x, int xOff, Storage g, int gOff, Storage gx,
                                           int gxOff, int n) {
            kernelCalls++;
            cpu.spikeSurrogateBackward(surrogate, alpha, threshold, base, scale, mem(x), xOff, mem(g), gOff, mem(gx),
                    gxOff, n);
        }

        @Override
        public void lstmCellForward(int batch, int hidden, Storage gates, int gatesOff, Storage cPrev, int cPrevOff,
                                    Storage hPrev, int hPrevOff, Storage act, int actOff, Storage h, int hOff,
                                    Storage c, int cOff, Storage tanhC, int tanhCOff, Storage lengths,
                                    int lengthsOff, int step) {
            kernelCalls++;
            cpu.lstmCellForward(batch, hidden, mem(gates), gatesOff, mem(cPrev), cPrevOff, mem(hPrev), hPrevOff,
                    mem(act), actOff, mem(h), hOff, mem(c), cOff, mem(tanhC), tanhCOff, mem(lengths), lengthsOff, step);
        }

        @Override
        public void lstmCellBackward(int batch, int hidden, Storage act, int actOff, Storage cPrev, int cPrevOff,
                                     Storage tanhC, int tanhCOff, Storage dh, int dhOff, Storage dc, int dcOff,
                                     Storage dGates, int dGatesOff, Storage dcPrev, int dcPrevOff, Storage dhPrev,
                                     int dhPrevOff, Storage lengths, int lengthsOff, int step) {
            kernelCalls++;
            cpu.lstmCellBackward(batch, hidden, mem(act), actOff, mem(cPrev), cPrevOff, mem(tanhC), tanhCOff, mem(dh),
                    dhOff, mem(dc), dcOff, mem(dGates), dGatesOff, mem(dcPrev), dcPrevOff, mem(dhPrev), dhPrevOff,
                    mem(lengths), lengthsOff, step);
        }

        @Override
        public void gruCellForward(int batch, int hidden, Storage gi, int giOff, Storage gh, int ghOff, Storage hPrev,
                                   int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage lengths,
                                   int lengthsOff, int step) {
            kernelCalls++;
            cpu.gruCellForward(batch, hidden, mem(gi), giOff, mem(gh), ghOff, mem(hPrev), hPrevOff, mem(act), actOff,
                    mem(h), hOff, mem(lengths), lengthsOff, step);
        }

        @Override
        public void gruCellBackward(int batch, int hidden, Storage act, int actOff, Storage gh, int ghOff,
                                    Storage hPrev, int hPrevOff, Storage dh, int dhOff, Storage dGi, int dGiOff,
                                    Storage dGh, int dGhOff, Storage dhPrev, int dhPrevOff, Storage lengths,
                                    int lengthsOff, int step) {
            kernelCalls++;
            cpu.gruCellBackward(batch, hidden, mem(act), actOff, mem(gh), ghOff, mem(hPrev), hPrevOff, mem(dh), dhOff,
                    mem(dGi), dGiOff, mem(dGh), dGhOff, mem(dhPrev), dhPrevOff, mem(lengths), lengthsOff, step);
        }
    }

    @Test
    void forwardAndBackwardRunOnDeviceStorageAndMatchTheHost() {
        FakeDevice device = new FakeDevice();
        Tensor xHost = Tensor.randn(1, DType.F32, 3, 5);
        Tensor wHost = Tensor.randn(2, DType.F32, 5, 4);
        Tensor gammaHost = Tensor.randn(3, DType.F32, 4);

        Tensor x = xHost.toBackend(device).requiresGrad(true);
        Tensor w = wHost.toBackend(device).requiresGrad(true);
        Tensor gamma = gammaHost.toBackend(device);
        assertThat(x.storage()).isInstanceOf(DeviceStorage.class);

        Tensor y = x.matmul(w).gelu().layerNorm(gamma, null, 1e-5).softmax(-1).sum(0, false);
        Tensor loss = y.mul(y).sum();
        loss.backward();

        assertThat(y.storage().backend()).isSameAs(device);
        assertThat(x.grad().storage().backend()).isSameAs(device);
        assertThat(device.kernelCalls).isGreaterThan(10);

        Tensor xr = xHost.detach().requiresGrad(true);
        Tensor wr = wHost.detach().requiresGrad(true);
        Tensor yr = xr.matmul(wr).gelu().layerNorm(gammaHost, null, 1e-5).softmax(-1).sum(0, false);
        yr.mul(yr).sum().backward();
        assertThat(y.toFloatArray()).containsExactly(yr.toFloatArray(), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(x.grad().toFloatArray()).containsExactly(xr.grad().toFloatArray(),
                org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(w.grad().toFloatArray()).containsExactly(wr.grad().toFloatArray(),
                org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void viewsIndexingAndJoinsStayOnTheDevice() {
        FakeDevice device = new FakeDevice();
        Tensor a = Tensor.arange(0, 24, 1, DType.F32).reshape(2, 3, 4).toBackend(device);
        Tensor idx = Tensor.ofLongs(new long[] {2, 0}, 2).toBackend(device);
        Tensor picked = a.permute(2, 0, 1).narrow(0, 1, 2).indexSelect(2, idx);
        Tensor joined = Tensor.cat(List.of(picked, picked.neg()), 0);
        assertThat(joined.storage().backend()).isSameAs(device);
        assertThat(joined.shape()).containsExactly(4, 2, 2);
        // a[b, r, c] = 12b + 4r + c; permuted to (c, b, r), c in {1,2}, r in {2,0}
        assertThat(picked.toFloatArray()).containsExactly(9, 1, 21, 13, 10, 2, 22, 14);
    }

    @Test
    void spikingOpsRunOnTheDevice() {
        FakeDevice device = new FakeDevice();
        Tensor vHost = Tensor.randn(4, DType.F32, 3, 5).add(1.0);
        Tensor cHost = Tensor.randn(5, DType.F32, 3, 5);
        Tensor v = vHost.toBackend(device).requiresGrad(true);
        Tensor c = cHost.toBackend(device).requiresGrad(true);
        Tensor u = dev.limbic.tensor.SpikingOps.lifIntegrate(v, c, 0.9, 1.0, 1.0, true, SpikeSurrogate.ARCTAN, 2.0);
        Tensor g = dev.limbic.tensor.SpikingOps.surrogateGradient(u, u, 1.0, SpikeSurrogate.GAUSSIAN, 0.5);
        u.sum().backward();
        assertThat(u.storage().backend()).isSameAs(device);
        assertThat(g.storage().backend()).isSameAs(device);
        assertThat(v.grad().storage().backend()).isSameAs(device);

        Tensor vr = vHost.detach().requiresGrad(true);
        Tensor ur = dev.limbic.tensor.SpikingOps.lifIntegrate(vr, cHost, 0.9, 1.0, 1.0, true, SpikeSurrogate.ARCTAN,
                2.0);
        ur.sum().backward();
        org.assertj.core.data.Offset<Float> tol = org.assertj.core.data.Offset.offset(1e-6f);
        assertThat(u.toFloatArray()).containsExactly(ur.toFloatArray(), tol);
        assertThat(v.grad().toFloatArray()).containsExactly(vr.grad().toFloatArray(), tol);
        assertThat(g.toFloatArray()).containsExactly(dev.limbic.tensor.SpikingOps.surrogateGradient(ur.detach(),
                ur.detach(), 1.0, SpikeSurrogate.GAUSSIAN, 0.5).toFloatArray(), tol);
    }

    @Test
    void recurrentSequencesRunOnTheDeviceAndMatchTheHost() {
        FakeDevice device = new FakeDevice();
        Tensor xHost = Tensor.randn(11, DType.F32, 4, 3, 8);   // (T, B, 4H), H = 2
        Tensor wHost = Tensor.randn(12, DType.F32, 8, 2);
        Tensor bHost = Tensor.randn(13, DType.F32, 8);
        Tensor hHost = Tensor.randn(14, DType.F32, 3, 2);
        Tensor lengths = Tensor.ofLongs(new long[] {4, 1, 2}, 3);
        float[][] onDevice = lstmRun(xHost.toBackend(device), wHost.toBackend(device), bHost.toBackend(device),
                hHost.toBackend(device), lengths.toBackend(device), device);
        float[][] onHost = lstmRun(xHost, wHost, bHost, hHost, lengths, null);
        for (int k = 0; k < onHost.length; k++) {
            assertThat(onDevice[k]).as("lstm result " + k).containsExactly(onHost[k],
                    org.assertj.core.data.Offset.offset(1e-5f));
        }
        Tensor gx = Tensor.randn(15, DType.F32, 4, 3, 6);   // (T, B, 3H)
        Tensor gw = Tensor.randn(16, DType.F32, 6, 2);
        Tensor x = gx.toBackend(device).detach().requiresGrad(true);
        Tensor w = gw.toBackend(device).detach().requiresGrad(true);
        RecurrentOps.GruSequence g = RecurrentOps.gruSequence(x, w, null, null, null, lengths.toBackend(device), true);
        g.output().sum().add(g.hN().sum()).backward();
        assertThat(x.grad().storage().backend()).isSameAs(device);
        Tensor xr = gx.detach().requiresGrad(true);
        RecurrentOps.GruSequence gr = RecurrentOps.gruSequence(xr, gw, null, null, null, lengths, true);
        gr.output().sum().add(gr.hN().sum()).backward();
        assertThat(x.grad().toFloatArray()).containsExactly(xr.grad().toFloatArray(),
                org.assertj.core.data.Offset.offset(1e-5f));
    }

    /** LSTM sequence forward + backward; returns output, hN, cN and the gradients of x, w, b, h0. */
    private static float[][] lstmRun(Tensor x0, Tensor w0, Tensor b0, Tensor h00, Tensor lengths, Backend device) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor w = w0.detach().requiresGrad(true);
        Tensor b = b0.detach().requiresGrad(true);
        Tensor h0 = h00.detach().requiresGrad(true);
        RecurrentOps.LstmSequence r = RecurrentOps.lstmSequence(x, w, b, null, h0, null, lengths, false);
        if (device != null) {
            assertThat(r.output().storage().backend()).isSameAs(device);
        }
        r.output().sum().add(r.hN().mul(r.cN()).sum()).backward();
        return new float[][] {r.output().toFloatArray(), r.hN().toFloatArray(), r.cN().toFloatArray(),
            x.grad().toFloatArray(), w.grad().toFloatArray(), b.grad().toFloatArray(), h0.grad().toFloatArray()};
    }

    @Test
    void mixingBackendsIsAClearError() {
        FakeDevice device = new FakeDevice();
        Tensor onDevice = Tensor.ones(2, 2).toBackend(device);
        assertThatThrownBy(() -> onDevice.add(Tensor.ones(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add")
                .hasMessageContaining("fake-device")
                .hasMessageContaining("toBackend");
    }
}
